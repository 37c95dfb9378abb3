using System.Globalization;

namespace CkptFS.Mount.FileSystem;

/// <summary>
/// CkptFS keeps owners and groups by name (as HDFS does); the kernel wants numbers. Names are
/// looked up in /etc/passwd and /etc/group (read once); a name this machine does not know shows as
/// the mounting user's ids.
/// </summary>
internal sealed class UserIds
{
    private readonly Dictionary<string, uint> _users;
    private readonly Dictionary<uint, string> _userNames;
    private readonly Dictionary<string, uint> _groups;
    private readonly Dictionary<uint, string> _groupNames;
    private readonly uint _defaultUid;
    private readonly uint _defaultGid;

    public UserIds(uint defaultUid, uint defaultGid)
    {
        (_users, _userNames) = Read("/etc/passwd");
        (_groups, _groupNames) = Read("/etc/group");
        _defaultUid = defaultUid;
        _defaultGid = defaultGid;
    }

    public uint Uid(string user) => _users.TryGetValue(user, out var uid) ? uid : _defaultUid;

    public uint Gid(string group) => _groups.TryGetValue(group, out var gid) ? gid : _defaultGid;

    public string? UserName(uint uid) => _userNames.GetValueOrDefault(uid);

    public string? GroupName(uint gid) => _groupNames.GetValueOrDefault(gid);

    private static (Dictionary<string, uint>, Dictionary<uint, string>) Read(string file)
    {
        var byName = new Dictionary<string, uint>(StringComparer.Ordinal);
        var byId = new Dictionary<uint, string>();
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split(':');
                if (fields.Length >= 3 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    byName.TryAdd(fields[0], id);
                    byId.TryAdd(id, fields[0]);
                }
            }
        }
        catch (IOException)
        {
        }
        return (byName, byId);
    }
}
