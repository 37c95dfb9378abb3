namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// A shell function for scripts in a container of the image, which has no curl: `http_get HOST PORT
/// PATH` prints the whole HTTP/1.0 response (status line, headers, body) through bash's /dev/tcp,
/// or nothing when the server does not answer within 3 s.
/// </summary>
internal static class HttpGetShell
{
    public const string Function = """
        http_get() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET $2 HTTP/1.0\r\nHost: $0\r\n\r\n" >&3 && cat <&3' "$1" "$2" "$3" 2>/dev/null || true; }

        """;
}
