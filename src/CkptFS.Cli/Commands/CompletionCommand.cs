using System.CommandLine;
using CkptFS.Cli.Completion;

namespace CkptFS.Cli.Commands;

/// <summary>`ckptfs completion bash|zsh`: the shell's completion script on stdout.</summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong([.. ShellScripts.Shells]);
        var command = new Command("completion", "Print a completion script: source <(ckptfs completion bash), or in zsh source <(ckptfs completion zsh).") { shell };
        command.SetAction(result =>
        {
            Console.Write(ShellScripts.For(result.GetRequiredValue(shell), result.RootCommandResult.Command));
            return 0;
        });
        return command;
    }
}
