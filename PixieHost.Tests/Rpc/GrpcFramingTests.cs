using System.Buffers;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.Rpc;

[TestFixture]
public sealed class GrpcFramingTests
{
    [Test]
    public void WriteMessage_Status_FivebytePrefixThenPayload()
    {
        var message = new Status { Code = 5, Message = "x" };
        var writer = new ArrayBufferWriter<byte>();

        GrpcFraming.WriteMessage(writer, message);

        var bytes = writer.WrittenSpan.ToArray();
        bytes[0].Should().Be(0);
        bytes.AsSpan(1, 4).ToArray().Should().Equal(0, 0, 0, (byte)message.CalculateSize());
        Status.Parser.ParseFrom(bytes.AsSpan(5)).Should().Be(message);
    }

    [Test]
    public void TryReadMessage_SplitAcrossSegments_NeedsAllBytes()
    {
        var framed = GrpcFraming.ToFramedArray(new Status { Code = 1, Message = "hello" });

        for (var cut = 0; cut < framed.Length; cut++)
        {
            GrpcFraming.TryReadMessage(new ReadOnlySequence<byte>(framed, 0, cut), out _, out _).Should().BeFalse($"only {cut} bytes are there");
        }

        var twoMessages = framed.Concat(framed).ToArray();
        GrpcFraming.TryReadMessage(new ReadOnlySequence<byte>(twoMessages), out var payload, out var end).Should().BeTrue();
        Status.Parser.ParseFrom(payload).Message.Should().Be("hello");
        new ReadOnlySequence<byte>(twoMessages).Slice(end).Length.Should().Be(framed.Length);
    }

    [Test]
    public void TryReadHeader_CompressedFlag_Reported()
    {
        byte[] header = [1, 0, 0, 1, 0];

        GrpcFraming.TryReadHeader(new ReadOnlySequence<byte>(header), out var compressed, out var length).Should().BeTrue();

        compressed.Should().BeTrue();
        length.Should().Be(256);
    }
}
