namespace CkptFS.TestTool;

/// <summary>
/// <c>dotnet CkptFS.TestTool.dll &lt;subcommand&gt; args...</c>: small programs that tests start as
/// child processes. Each subcommand lives in its own file; add one case per subcommand here.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        return args[0] switch
        {
            RocksDbWriterCommand.Name => RocksDbWriterCommand.Run(args[1..]),
            RocksDbFillCommand.Name => RocksDbFillCommand.Run(args[1..]),
            SlowWriterCommand.Name => SlowWriterCommand.Run(args[1..]),
            AsyncSaveCommand.Name => AsyncSaveCommand.Run(args[1..]),
            NamespaceGenCommand.Name => NamespaceGenCommand.Run(args[1..]),
            NamespaceBenchCommand.Name => NamespaceBenchCommand.Run(args[1..]),
            NamespaceLoadCommand.Name => NamespaceLoadCommand.Run(args[1..]),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: CkptFS.TestTool <subcommand> [args]");
        Console.Error.WriteLine($"  {RocksDbWriterCommand.Usage}");
        Console.Error.WriteLine($"  {RocksDbFillCommand.Usage}");
        Console.Error.WriteLine($"  {SlowWriterCommand.Usage}");
        Console.Error.WriteLine($"  {AsyncSaveCommand.Usage}");
        Console.Error.WriteLine($"  {NamespaceGenCommand.Usage}");
        Console.Error.WriteLine($"  {NamespaceBenchCommand.Usage}");
        Console.Error.WriteLine($"  {NamespaceLoadCommand.Usage}");
        return 2;
    }
}
