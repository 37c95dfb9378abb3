namespace CkptFS.NameNode.Namespace;

public readonly record struct DeleteResult(long FilesDeleted, long DirectoriesDeleted);
