using CkptFS.Testing;
using Microsoft.Playwright;

namespace CkptFS.IntegrationTests.WebUi;

/// <summary>
/// Debian's headless chromium (/usr/bin/chromium, scripts/setup.sh installs it) driven by Playwright
/// for .NET, whose driver ships in its NuGet package; Playwright's own browser download is never
/// run. Every console error, uncaught page error and failed request of the page is collected, so a
/// test can assert there was none. Screenshots go to artifacts/screenshots/.
/// </summary>
public sealed class WebUiBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Every wait on the page: generous for 2 shared cores, bounded all the same.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _problems = [];

    private WebUiBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Record($"console {message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        page.RequestFailed += (_, request) => Record($"request failed: {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Record($"HTTP {response.Status}: {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public static string ScreenshotFolder => Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    /// <summary>What went wrong on the page so far (console errors and warnings, page errors, failed or refused requests).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    public static async Task<WebUiBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/setup.sh (it installs Debian's chromium).");
        var playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
        try
        {
            // As root in a container chromium needs --no-sandbox; the rest keep it off the network
            // this machine does not have (no component updates, no sync, no background lookups).
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                Timeout = (float)Timeout.TotalMilliseconds,
            });
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
            page.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            return new WebUiBrowser(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and waits until the page has drawn it from the API (body data-ready = its hash) without an error box.</summary>
    public async Task OpenAsync(string url)
    {
        await Page.GotoAsync(url);
        await WaitDrawnAsync();
    }

    /// <summary>Waits until the page has drawn the current location (the app sets body data-ready to location.hash when it has).</summary>
    public async Task WaitDrawnAsync()
    {
        await Page.WaitForFunctionAsync("() => document.body.dataset.ready === location.hash");
        var errors = await Page.Locator(".error").AllInnerTextsAsync();
        Assert.True(errors.Count == 0, $"{Page.Url} shows an error: {string.Join("; ", errors)}");
    }

    /// <summary>The text of the value of the overview card data-field=<paramref name="field"/>.</summary>
    public Task<string> CardAsync(string field) => Page.Locator($"[data-field='{field}'] .value").InnerTextAsync();

    /// <summary>Saves a full-page screenshot as artifacts/screenshots/<paramref name="name"/>.png; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 5_000, $"{path} is nearly empty");
        return path;
    }

    public void AssertNoProblems() => Assert.True(Problems.Count == 0, $"The page had problems:\n{string.Join("\n", Problems)}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync().WaitAsync(Timeout);
        }
        finally
        {
            _playwright.Dispose();   // stops the driver, and with it any browser it still runs
        }
    }

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
