using System.Globalization;
using System.Text.Json;
using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CkptFS.NameNode.Http;

/// <summary>
/// The read-only JSON API under /api/v1 that the web UI reads and scripts may use (README: Web UI).
/// Thin, as the gRPC handlers: parse the query, call the core (the same calls as GetDatanodeReport,
/// GetListing, GetBlockLocations and ListCheckpoints), map. Every answer comes from the published
/// state, without locks; nothing here changes anything.
/// </summary>
internal sealed class NameNodeApi(FsNamespace fs, BlockManager blocks, DatanodeManager datanodes, CheckpointManager checkpoints,
    GroupCommitter committer, NameNodeEventLog events, string rpcAddress, DateTimeOffset startedAt, TimeProvider time)
{
    private static readonly TimeSpan DefaultMtbf = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/overview", (HttpContext _) => Answer(Overview));
        routes.MapGet("/api/v1/datanodes", (HttpContext _) => Answer(() => new ApiDatanodes(Datanodes())));
        routes.MapGet("/api/v1/listing", (HttpContext context) => Answer(() => Listing(context.Request.Query)));
        routes.MapGet("/api/v1/file", (HttpContext context) => Answer(() => File(context.Request.Query)));
        routes.MapGet("/api/v1/checkpoints", (HttpContext _) => Answer(Jobs));
        routes.MapGet("/api/v1/checkpoints/job", (HttpContext context) => Answer(() => Job(context.Request.Query)));
        routes.MapGet("/api/v1/events", (HttpContext context) => Answer(() => Events(context.Request.Query)));
    }

    private ApiOverview Overview()
    {
        var stats = blocks.GetStats();
        var nodes = datanodes.GetAll();
        var serving = nodes.Where(n => n.State != DatanodeLiveness.Dead).ToList();
        int Count(DatanodeLiveness state) => nodes.Count(n => n.State == state);
        return new ApiOverview(blocks.InSafeMode, stats.TotalBlocks, stats.MissingBlocks, stats.UnderReplicatedBlocks, stats.CorruptReplicas,
            serving.Sum(n => n.Load.CapacityBytes), serving.Sum(n => n.Load.UsedBytes), serving.Sum(n => n.Load.RemainingBytes),
            new ApiDatanodeCounts(Count(DatanodeLiveness.Live), Count(DatanodeLiveness.Stale), Count(DatanodeLiveness.InMaintenance), Count(DatanodeLiveness.Dead)),
            fs.Current.InodeCount, events.Count, rpcAddress, startedAt.UtcDateTime, time.GetUtcNow().UtcDateTime);
    }

    private List<ApiDatanode> Datanodes() =>
        [.. datanodes.GetAll().OrderBy(n => n.Uuid, StringComparer.Ordinal).Select(n => ApiDatanode.Of(n, blocks.CountReplicasOn(n.Uuid)))];

    private ApiListing Listing(IQueryCollection query)
    {
        var path = PathOf(query);
        var listing = fs.GetListing(path, query["startAfter"].ToString(), IntOf(query, "limit", 0));
        return new ApiListing(path.Value, [.. listing.Entries.Select(ApiEntry.Of)], listing.Remaining);
    }

    private ApiFile File(IQueryCollection query)
    {
        var locations = fs.GetBlockLocations(PathOf(query), 0, 0, clientHost: null);
        return new ApiFile(ApiEntry.Of(locations.Entry), [.. locations.Blocks.Select(ApiBlock.Of)]);
    }

    private ApiJobs Jobs()
    {
        var catalog = committer.PublishedMetadata.Checkpoints;
        return new ApiJobs([.. catalog.Jobs.Values.Select(job =>
        {
            var listing = checkpoints.List(job.Path);
            return new ApiJobSummary(job.Path.Value, listing.LatestStep, listing.Checkpoints.Count(c => c.State != Protocol.V1.CheckpointState.Pending),
                ApiRetention.Of(listing.Retention));
        })]);
    }

    private ApiJob Job(IQueryCollection query)
    {
        var job = FsPath.Parse(Required(query, "job"));
        var listing = checkpoints.List(job);
        var mtbf = SecondsOf(query, "mtbfSeconds", DefaultMtbf);
        if (mtbf <= TimeSpan.Zero)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, "'mtbfSeconds' must be more than 0.");
        }
        var advice = ApiAdvice.Of(listing.Checkpoints, mtbf, SecondsOf(query, "restartSeconds", TimeSpan.Zero));
        return new ApiJob(job.Value, listing.LatestStep, ApiRetention.Of(listing.Retention), [.. listing.Checkpoints.Select(ApiCheckpoint.Of)], advice);
    }

    private ApiEvents Events(IQueryCollection query) =>
        new(events.Count, events.Capacity, [.. events.Recent(IntOf(query, "limit", events.Capacity)).Select(ApiEvent.Of)]);

    /// <summary>The answer as JSON; a refused request (no such path, a bad argument) as 404/400 with the core's message, as the CLI would print it.</summary>
    private static IResult Answer<T>(Func<T> handler)
    {
        try
        {
            return Results.Json(handler(), Json);
        }
        catch (CkptFsException exception)
        {
            var status = exception.Code is ErrorCode.FileNotFound or ErrorCode.CheckpointNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            return Results.Json(new ApiError(exception.Message, exception.Code.ToString()), Json, statusCode: status);
        }
    }

    private static FsPath PathOf(IQueryCollection query) => FsPath.Parse(query.TryGetValue("path", out var path) ? path.ToString() : "/");

    private static string Required(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.ToString().Length > 0
            ? value.ToString()
            : throw new CkptFsException(ErrorCode.InvalidArgument, $"The query parameter '{name}' is required.");

    private static int IntOf(IQueryCollection query, string name, int fallback) =>
        !query.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new CkptFsException(ErrorCode.InvalidArgument, $"'{name}' must be a whole number, not '{text}'.");

    private static TimeSpan SecondsOf(IQueryCollection query, string name, TimeSpan fallback) =>
        !query.TryGetValue(name, out var text) ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new CkptFsException(ErrorCode.InvalidArgument, $"'{name}' must be a number of seconds, not '{text}'.");
}
