using System.CommandLine;
using System.Text;

namespace CkptFS.Cli.Completion;

/// <summary>
/// Completion scripts for bash and zsh, generated from the command tree so they never drift from it.
/// Both walk the words typed so far to the deepest command path, offer its subcommands and options,
/// and otherwise complete file names.
/// </summary>
public static class ShellScripts
{
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh"];

    public static string For(string shell, Command root) => shell switch
    {
        "bash" => Bash(CompletionTable.Build(root)),
        "zsh" => Zsh(CompletionTable.Build(root)),
        _ => throw new ArgumentException($"no completion for shell '{shell}': choose one of {string.Join(", ", Shells)}."),
    };

    private static string Bash(IReadOnlyList<(string Path, IReadOnlyList<string> Words)> table)
    {
        var script = new StringBuilder();
        script.AppendLine("# ckptfs completion for bash: source <(ckptfs completion bash), or save it in /etc/bash_completion.d/ckptfs");
        script.AppendLine("declare -gA _ckptfs_words=(");
        AppendRows(script, table, (path, words) => $"[{path}]={words}");
        script.AppendLine("""
            _ckptfs() {
              local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" w i
              for ((i = 1; i < COMP_CWORD; i++)); do
                w="${COMP_WORDS[i]}"
                [[ $w == -* ]] && continue
                [[ -n "${_ckptfs_words[${cmd:+$cmd }$w]+x}" ]] && cmd="${cmd:+$cmd }$w"
              done
              COMPREPLY=($(compgen -W "${_ckptfs_words[$cmd]}" -- "$cur"))
            }
            complete -o default -F _ckptfs ckptfs
            """);
        return script.ToString();
    }

    private static string Zsh(IReadOnlyList<(string Path, IReadOnlyList<string> Words)> table)
    {
        var script = new StringBuilder();
        script.AppendLine("#compdef ckptfs");
        script.AppendLine("# ckptfs completion for zsh: source <(ckptfs completion zsh), or save it as _ckptfs in a folder of $fpath");
        script.AppendLine("typeset -gA _ckptfs_words");
        script.AppendLine("_ckptfs_words=(");
        AppendRows(script, table, (path, words) => $"{path} {words}");
        script.AppendLine("""
            _ckptfs() {
              local cmd="" w i
              local -a candidates
              for (( i = 2; i < CURRENT; i++ )); do
                w=${words[i]}
                [[ $w == -* ]] && continue
                (( ${+_ckptfs_words[${cmd:+$cmd }$w]} )) && cmd="${cmd:+$cmd }$w"
              done
              candidates=(${=_ckptfs_words[$cmd]})
              compadd -- ${candidates[@]}
              [[ $PREFIX == -* ]] || _files
            }
            if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _ckptfs "$@"; else compdef _ckptfs ckptfs; fi
            """);
        return script.ToString();
    }

    /// <summary>The table as the body of an associative array, both quoted; then the closing parenthesis.</summary>
    private static void AppendRows(StringBuilder script, IReadOnlyList<(string Path, IReadOnlyList<string> Words)> table, Func<string, string, string> row)
    {
        foreach (var (path, words) in table)
        {
            script.AppendLine("  " + row(Quote(path), Quote(string.Join(' ', words))));
        }
        script.AppendLine(")");
    }

    /// <summary>Single-quoted for both shells (no word of ours holds a quote; escaped anyway).</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
