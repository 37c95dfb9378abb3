using CkptFS.Common;

namespace CkptFS.NameNode.Persistence;

/// <summary>A queued mutation and the caller's task, completed only once its group is durable.</summary>
internal abstract class PendingMutation
{
    /// <summary>Runs the mutation; false when it failed with an expected error (to be rolled back).</summary>
    public abstract bool Apply(MutationContext context);

    /// <summary>Completes the caller's task with the result or error <see cref="Apply"/> produced.</summary>
    public abstract void Publish();

    public abstract void Fail(Exception error);
}

internal sealed class PendingMutation<T>(Func<MutationContext, T> mutation) : PendingMutation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private CkptFsException? _error;

    public Task<T> Task => _completion.Task;

    public override bool Apply(MutationContext context)
    {
        try
        {
            _result = mutation(context);
            return true;
        }
        catch (CkptFsException error)
        {
            // An expected refusal (bad path, exists, ...): reported after the group is durable,
            // because it was decided against state that includes the group's earlier mutations.
            _error = error;
            return false;
        }
        catch (Exception bug) when (bug is not OutOfMemoryException)
        {
            // A bug in one mutation must not stop the committer: the tree is immutable, so the
            // rollback is exact, and the caller gets an internal error naming the cause.
            _error = new CkptFsException(ErrorCode.Internal, $"Internal error applying a mutation: {bug.GetType().Name}: {bug.Message}", bug);
            return false;
        }
    }

    public override void Publish()
    {
        if (_error is not null)
        {
            _completion.TrySetException(_error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
