using System.Text.Json;

namespace CkptFS.Cli.Output;

/// <summary>How every `--json` command prints: one indented JSON document on stdout, then a newline.</summary>
public static class JsonOutput
{
    public static Task WriteAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken) =>
        WriteAsync(writer =>
        {
            write(writer);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>For documents produced while they stream in (e.g. a recursive listing), flushed as they grow.</summary>
    public static async Task WriteAsync(Func<Utf8JsonWriter, Task> write, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using (var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            await write(writer);
        }
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}
