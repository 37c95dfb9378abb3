using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// What both block recovery ops do on the serving DataNode: check that the header names a block and that
/// the token allows RECOVER on it, run the store's step, answer one BlockOpResponse. A refusal carries
/// the ErrorCode and the store's message (which says what to do next) and is logged as a warning.
/// One request, one response; the connection then closes.
/// </summary>
internal static class RecoveryOp
{
    public static async Task RunAsync(TransferContext context, string peer, Stream output, ReadDeadline deadline, DataTransferOp op, ExtendedBlock? block,
        AccessToken? token, Func<ExtendedBlock, Task<BlockOpResponse>> step)
    {
        var id = new BlockId(block?.BlockId ?? 0);
        BlockOpResponse response;
        try
        {
            if (block is null)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument, $"The {op} header names no block.");
            }

            context.Keys.Verify(token, id, AccessMode.Recover);
            response = await step(block).ConfigureAwait(false);
        }
        catch (CkptFsException refusal)
        {
            response = TransferStatuses.Failure(refusal);
            TransferLog.Refused(context.Logger, op, id, peer, response.Status, refusal.Message);
        }

        await DataTransferCodec.WriteMessageAsync(output, response, deadline.Arm()).ConfigureAwait(false);
    }
}
