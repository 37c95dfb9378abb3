using CkptFS.Protocol.Grpc;
using Xunit;

namespace CkptFS.Protocol.Tests;

public sealed class WireFormatTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("1000n", 10L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void TimeoutParsesEveryUnit(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void TimeoutRejectsWhatTheGrammarDoesNotAllow(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(1.5)]
    [InlineData(100_000)]
    [InlineData(10_000_000)]
    public void TimeoutFormatRoundTripsNeverShorter(double seconds)
    {
        var timeout = TimeSpan.FromSeconds(seconds);
        var header = GrpcTimeout.Format(timeout);
        Assert.True(header.Length <= 9, header);
        Assert.True(GrpcTimeout.TryParse(header, out var parsed), header);
        Assert.True(parsed >= timeout, $"{header} is shorter than {timeout}");
    }

    [Theory]
    [InlineData("plain ascii stays as is")]
    [InlineData("ungültig — 失败")]
    [InlineData("100% sure\r\n")]
    [InlineData("emoji 🚀 and tab\t")]
    public void StatusMessageRoundTrips(string message)
    {
        var encoded = GrpcStatusMessage.Encode(message);
        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(message, GrpcStatusMessage.Decode(encoded));
    }

    [Fact]
    public void StatusMessageEncodesAsTheSpecSays()
    {
        Assert.Equal("a%25b%C3%BC", GrpcStatusMessage.Encode("a%bü"));
        Assert.Equal("broken %ZZ escape", GrpcStatusMessage.Decode("broken %ZZ escape"));
    }

    [Fact]
    public void BinaryMetadataAcceptsUnpaddedBase64()
    {
        var metadata = new Metadata();
        metadata.AddFromWire("trace-bin", "AQID");
        metadata.AddFromWire("id-bin", "AQI");
        metadata.AddFromWire("name", "value");
        Assert.Equal([1, 2, 3], metadata.GetValueBytes("trace-bin"));
        Assert.Equal([1, 2], metadata.GetValueBytes("id-bin"));
        Assert.Equal("value", metadata.GetValue("name"));
    }

    [Fact]
    public void MetadataRejectsKeysAndValuesTheWireCannotCarry()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("bad key", "v"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("text", "ü"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("data-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("data", [1]));
    }

    [Fact]
    public void OptionsValidationNamesKeyAndValue()
    {
        var error = Assert.Throws<ArgumentException>(() => new GrpcServerOptions { MaxReceiveMessageBytes = -5 }.Validate());
        Assert.Contains("MaxReceiveMessageBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("-5", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new GrpcServerOptions { BindAddress = "localhost:1" }.Validate());
        Assert.Contains("localhost:1", error.Message, StringComparison.Ordinal);
    }
}
