using System.Globalization;
using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    private bool _safeMode;
    private int _registeredDatanodes;
    private long _safeBlocks;
    private long _countedBlocks;

    /// <summary>
    /// True after a restart until enough blocks have a reported replica (HDFS safe mode): reads are
    /// served, mutations are refused with the transient <see cref="ErrorCode.SafeMode"/>. It is
    /// left once, never re-entered.
    /// </summary>
    public bool InSafeMode
    {
        get
        {
            lock (_lock)
            {
                return _safeMode;
            }
        }
    }

    /// <summary>"2 of 3 DataNodes registered", or with no minimum set only the count: never "1 of 0".</summary>
    private string DatanodeProgress() => _options.SafeModeMinDatanodes > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{_registeredDatanodes} of {_options.SafeModeMinDatanodes} DataNodes registered")
        : string.Create(CultureInfo.InvariantCulture, $"{_registeredDatanodes} DataNodes registered");

    /// <summary>Throws <see cref="ErrorCode.SafeMode"/> while in safe mode, saying how far the reports are.</summary>
    public void ThrowIfSafeMode(string operation)
    {
        lock (_lock)
        {
            if (_safeMode)
            {
                throw new CkptFsException(ErrorCode.SafeMode, string.Create(CultureInfo.InvariantCulture,
                    $"Cannot {operation}: the NameNode is in safe mode ({_safeBlocks} of {_countedBlocks} blocks have a reported replica, {_options.SafeModeThreshold:P1} needed; {DatanodeProgress()}). Retry later."));
            }
        }
    }

    /// <summary>Told by the DataNode manager whenever a DataNode registers or dies.</summary>
    public void SetRegisteredDatanodes(int count)
    {
        lock (_lock)
        {
            _registeredDatanodes = count;
            CheckSafeModeLocked();
        }
    }

    /// <summary>
    /// Counts the complete blocks and those with a replica; leaves safe mode when both thresholds
    /// hold. A scan of the map, done only while in safe mode (a few reports after a restart).
    /// </summary>
    private void CheckSafeModeLocked()
    {
        if (!_safeMode)
        {
            return;
        }
        long counted = 0, safe = 0;
        foreach (var info in _blocks.Values)
        {
            if (info.UnderConstruction)
            {
                continue;
            }
            counted++;
            if (info.LiveReplicas > 0)
            {
                safe++;
            }
        }
        _countedBlocks = counted;
        _safeBlocks = safe;
        var blocksReached = counted == 0 || safe >= Math.Ceiling(counted * _options.SafeModeThreshold);
        if (blocksReached && _registeredDatanodes >= _options.SafeModeMinDatanodes)
        {
            _safeMode = false;
            LogLeftSafeMode(safe, counted, _registeredDatanodes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Left safe mode: {SafeBlocks} of {TotalBlocks} blocks have a reported replica, {Datanodes} DataNodes registered")]
    private partial void LogLeftSafeMode(long safeBlocks, long totalBlocks, int datanodes);
}
