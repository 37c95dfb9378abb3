using System.CommandLine;
using CkptFS.Client.Checkpoints;

namespace CkptFS.Cli.Checkpoints;

/// <summary>The manifest fields `ckpt save` and `ckpt commit` take: --meta, --hparam, --epoch, --seed, --framework, --framework-version.</summary>
internal sealed class MetadataOptions
{
    private readonly Option<string[]> _meta = new("--meta") { Description = "User metadata KEY=VALUE (repeatable).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _hyperparameters = new("--hparam") { Description = "Hyperparameter KEY=VALUE (repeatable).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<ulong> _epoch = new("--epoch") { Description = "Training epoch." };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Random seed of the run." };
    private readonly Option<string> _framework = new("--framework") { Description = "Framework, e.g. pytorch.", DefaultValueFactory = _ => string.Empty };
    private readonly Option<string> _frameworkVersion = new("--framework-version") { Description = "Framework version, e.g. 2.4.0.", DefaultValueFactory = _ => string.Empty };

    public void AddTo(Command command)
    {
        command.Add(_meta);
        command.Add(_hyperparameters);
        command.Add(_epoch);
        command.Add(_seed);
        command.Add(_framework);
        command.Add(_frameworkVersion);
    }

    public CheckpointMetadata Read(ParseResult result) => new()
    {
        Epoch = result.GetValue(_epoch),
        Seed = result.GetValue(_seed),
        Framework = result.GetValue(_framework) ?? string.Empty,
        FrameworkVersion = result.GetValue(_frameworkVersion) ?? string.Empty,
        Hyperparameters = Pairs(result.GetValue(_hyperparameters), "--hparam"),
        Metadata = Pairs(result.GetValue(_meta), "--meta"),
    };

    private static Dictionary<string, string> Pairs(string[]? items, string option)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var split = item.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw new ArgumentException($"{option}: '{item}' is not KEY=VALUE.");
            }
            pairs[item[..split]] = item[(split + 1)..];
        }
        return pairs;
    }
}
