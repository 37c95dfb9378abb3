using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>
/// <c>ckptfs token</c>: bearer tokens as HDFS's fetchdt and delegation token renew/cancel. A token is
/// a secret: <c>issue</c> prints only it on stdout (or writes it to a 0600 file), so it can be piped
/// into a Kubernetes secret; everything else about it is on stderr or in <c>ls</c>.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var command = new Command("token", "Issue, renew, revoke and list bearer tokens (when the NameNode requires authentication).");
        command.Subcommands.Add(CreateIssue());
        command.Subcommands.Add(CreateRenew());
        command.Subcommands.Add(CreateRevoke());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateWhoAmI());
        return command;
    }

    private static Command CreateIssue()
    {
        var user = new Option<string?>("--user") { Description = "The user the token acts for (default: yours; another user only as a superuser)." };
        var renewer = new Option<string?>("--renewer") { Description = "Who may renew it (default: its user)." };
        var ttl = new Option<string?>("--ttl") { Description = "Life until the first renewal, e.g. 24h or 7d (default: the NameNode's renew interval; never past its max lifetime)." };
        var output = new Option<string?>("--out") { Description = "Write the token to this file (mode 0600) instead of stdout." };
        var command = new Command("issue", "Issue a token; prints it (a secret) on stdout.") { user, renewer, ttl, output };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var lifetime = result.GetValue(ttl) is { } text ? CkptFsClientOptions.ParseWait(text, "--ttl") : (TimeSpan?)null;
            if (lifetime is { } life && life < TimeSpan.FromSeconds(1))
            {
                throw new ArgumentException($"--ttl '{result.GetValue(ttl)}' is too short: a token lives at least 1 s.");
            }
            var issued = await client.IssueTokenAsync(result.GetValue(user), lifetime, result.GetValue(renewer), cancellationToken);
            if (result.GetValue(output) is { } file)
            {
                await Common.Security.SecretFile.WriteAsync(file, issued.Token, cancellationToken);
            }
            else
            {
                Console.WriteLine(issued.Token);
            }
            Console.Error.WriteLine($"token {issued.Info.Id} for {issued.Info.User}: expires {Show(issued.Info.ExpiresMs)} unless renewed (by {issued.Info.Renewer}), at the latest {Show(issued.Info.MaxMs)}.");
            return 0;
        });
        return command;
    }

    private static Command CreateRenew()
    {
        var token = new Argument<string?>("token") { Description = "The token (default: the one this command runs with, CKPTFS_TOKEN or CKPTFS_TOKEN_FILE).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("renew", "Extend a token by the NameNode's renew interval (never past its max lifetime).") { token };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var text = result.GetValue(token) ?? client.Options.Token
                ?? throw new ArgumentException("token renew: give the token, or set CKPTFS_TOKEN or CKPTFS_TOKEN_FILE.");
            var info = await client.RenewTokenAsync(text, cancellationToken);
            Console.Error.WriteLine($"token {info.Id} of {info.User} now expires {Show(info.ExpiresMs)} (at the latest {Show(info.MaxMs)}).");
            return 0;
        });
        return command;
    }

    private static Command CreateRevoke()
    {
        var id = new Option<ulong?>("--id") { Description = "Revoke by id (as 'token ls' shows) instead of by the token itself." };
        var token = new Argument<string?>("token") { Description = "The token to revoke.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("revoke", "Revoke a token: it fails from the next call on.") { id, token };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var (text, number) = (result.GetValue(token), result.GetValue(id));
            if (text is null == number is null)
            {
                throw new ArgumentException("token revoke: give either the token or --id N.");
            }
            await client.RevokeTokenAsync(text, number ?? 0, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command CreateList()
    {
        var json = CliOptions.Json();
        var command = new Command("ls", "List your live tokens (a superuser's: every one). Never prints the secrets.") { json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var tokens = await client.ListTokensAsync(cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => WriteJson(writer, tokens), cancellationToken);
                return 0;
            }
            Console.WriteLine($"{"ID",20} {"USER",-16} {"RENEWER",-16} {"ISSUED",-20} {"EXPIRES",-20} MAX");
            foreach (var t in tokens)
            {
                Console.WriteLine($"{t.Id,20} {t.User,-16} {t.Renewer,-16} {Show(t.IssuedMs),-20} {Show(t.ExpiresMs),-20} {Show(t.MaxMs)}");
            }
            return 0;
        });
        return command;
    }

    private static Command CreateWhoAmI()
    {
        var command = new Command("whoami", "Who the NameNode takes this client for, and whether it checked.");
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var me = await client.WhoAmIAsync(cancellationToken);
            Console.WriteLine($"{me.User} ({(me.Authenticated ? $"authenticated by {me.AuthenticatedBy}" : "not authenticated: the NameNode trusts the user the client names")}{(me.Superuser ? ", superuser" : "")})");
            return 0;
        });
        return command;
    }

    private static void WriteJson(Utf8JsonWriter writer, IReadOnlyList<TokenInfo> tokens)
    {
        writer.WriteStartArray();
        foreach (var t in tokens)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", t.Id);
            writer.WriteString("user", t.User);
            writer.WriteString("renewer", t.Renewer);
            writer.WriteString("issued", Show(t.IssuedMs));
            writer.WriteString("expires", Show(t.ExpiresMs));
            writer.WriteString("max", Show(t.MaxMs));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static string Show(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
