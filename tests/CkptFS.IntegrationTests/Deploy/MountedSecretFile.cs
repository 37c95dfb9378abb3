namespace CkptFS.IntegrationTests.Deploy;

/// <summary>A secret's file as a container sees it: which secret, which key, mounted read-only or not.</summary>
internal sealed record MountedSecretFile(string Secret, string Key, bool ReadOnly);
