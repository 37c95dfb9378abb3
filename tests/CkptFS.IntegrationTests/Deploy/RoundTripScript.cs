namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The client's round trips, as a shell script for a container of the image (set -e): a 20 MiB file
/// in 4 MiB blocks put and got back byte-identical, and a 3-shard checkpoint saved and restored
/// identical; then the report. Prints "ROUND TRIPS OK" at the end. Leaves /tmp/in.bin and /tmp/step
/// (the originals) and /data/in.bin and /jobs/demo step 1 (in CkptFS) for later checks.
/// </summary>
internal static class RoundTripScript
{
    public const string Text = """
        head -c 20971520 /dev/urandom > /tmp/in.bin
        ckptfs put --block-size 4M /tmp/in.bin /data/in.bin
        ckptfs get /data/in.bin /tmp/out.bin
        cmp /tmp/in.bin /tmp/out.bin
        ckptfs stat /data/in.bin
        mkdir -p /tmp/step /tmp/restored
        for shard in 0 1 2; do head -c 3145728 /dev/urandom > /tmp/step/shard-$shard.bin; done
        ckptfs ckpt save /jobs/demo 1 /tmp/step
        ckptfs ckpt restore /jobs/demo /tmp/restored
        diff -r /tmp/step /tmp/restored
        ckptfs report
        echo "ROUND TRIPS OK"
        """;
}
