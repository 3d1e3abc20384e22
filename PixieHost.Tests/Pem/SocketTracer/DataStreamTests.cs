using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

[TestFixture]
public class DataStreamTests
{
    [Test]
    public void Add_InOrderEvents_ContiguousJoinsThem()
    {
        using var s = new DataStream();
        s.Add(0, 5, B("hello"), 10);
        s.Add(5, 6, B(" world"), 20);

        Text(s.Contiguous).Should().Be("hello world");
        s.HeadTimestampNs.Should().Be(10);
    }

    [Test]
    public void Consume_PartOfFirstEvent_HeadTimestampStaysWithItsEvent()
    {
        using var s = new DataStream();
        s.Add(0, 5, B("hello"), 10);
        s.Add(5, 6, B(" world"), 20);

        s.Consume(3);
        s.HeadTimestampNs.Should().Be(10);
        s.Consume(2);

        s.HeadTimestampNs.Should().Be(20);
        s.HeadPosition.Should().Be(5);
        Text(s.Contiguous).Should().Be(" world");
    }

    [Test]
    public void Add_OutOfOrderWithinWindow_Reassembled()
    {
        using var s = new DataStream(reorderWindowBatches: 2);
        s.Add(0, 3, B("abc"), 1);
        s.Add(6, 3, B("ghi"), 3);
        s.EndBatch().Should().BeTrue("a hole waits for its bytes");
        Text(s.Contiguous).Should().Be("abc");

        s.Add(3, 3, B("def"), 2);

        Text(s.Contiguous).Should().Be("abcdefghi");
        s.EndBatch().Should().BeFalse();
        s.GapCount.Should().Be(0);
    }

    [Test]
    public void EndBatch_HoleOlderThanWindow_BecomesGap()
    {
        using var s = new DataStream(reorderWindowBatches: 2);
        s.Add(0, 3, B("abc"), 1);
        s.Add(10, 3, B("xyz"), 2);

        s.EndBatch();
        s.EndBatch();
        s.Consume(3);

        s.GapAtHead.Should().Be(7);
        s.SkipGap(7);
        Text(s.Contiguous).Should().Be("xyz");
        s.GapBytes.Should().Be(7);
        s.GapCount.Should().Be(1);
    }

    [Test]
    public void Add_TruncatedEvent_GapKnownAtOnceAndTakesNoBuffer()
    {
        using var s = new DataStream();
        s.Add(0, 1_000_000, B("head"), 1);
        s.Add(1_000_000, 4, B("next"), 2);

        s.ContiguousEndsAtGap.Should().BeTrue();
        s.BufferedBytes.Should().Be(8);
        s.Consume(4);
        s.GapAtHead.Should().Be(999_996);
        s.SkipGap(999_996);
        Text(s.Contiguous).Should().Be("next");
    }

    [Test]
    public void Add_FirstSeenMidStream_HeadStartsThere()
    {
        using var s = new DataStream();
        s.Add(5000, 4, B("tail"), 1);

        s.FirstPosition.Should().Be(5000);
        s.HeadPosition.Should().Be(5000);
        Text(s.Contiguous).Should().Be("tail");
    }

    [Test]
    public void Add_OverCapacity_DropsOldestAndAsksResync()
    {
        using var s = new DataStream(capacityBytes: 8192);
        s.Add(0, 6000, new byte[6000], 1);
        s.Add(6000, 6000, Enumerable.Repeat((byte)'z', 6000).ToArray(), 2);

        s.BufferedBytes.Should().Be(6000);
        s.BytesDropped.Should().Be(6000);
        s.NeedsResync.Should().BeTrue();
        s.HeadPosition.Should().Be(6000);
        s.Contiguous.ToArray().Should().OnlyContain(b => b == (byte)'z');
    }

    [Test]
    public void Add_BehindHead_CountedStale()
    {
        using var s = new DataStream();
        s.Add(0, 3, B("abc"), 1);
        s.Consume(3);

        s.Add(0, 3, B("abc"), 1);

        s.StaleEvents.Should().Be(1);
        s.Contiguous.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void Add_ManySmallEvents_GrowsBufferKeepsOrder()
    {
        using var s = new DataStream();
        var expected = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            var piece = (i % 10).ToString();
            expected.Append(piece);
            s.Add((ulong)i, 1, B(piece), (ulong)i);
        }

        Text(s.Contiguous).Should().Be(expected.ToString());
        s.Consume(2999);
        s.HeadTimestampNs.Should().Be(2999);
    }

    [Test]
    public void Add_TensOfThousandsOfOneByteEvents_AllBytesKeptInOrder()
    {
        using var s = new DataStream();
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i % 26))));
        for (var i = 0; i < text.Length; i++)
        {
            s.Add((ulong)i, 1, B(text[i].ToString()), (ulong)i + 1);
            if (i == 100)
            {
                Text(s.Contiguous).Should().Be(text[..101]);
            }
        }

        Text(s.Contiguous).Should().Be(text);
        s.HeadTimestampNs.Should().Be(1);
        s.Consume(text.Length);
        s.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void Close_WithHole_HoleBecomesGapAtBatchEnd()
    {
        using var s = new DataStream(reorderWindowBatches: 5);
        s.Add(0, 2, B("ab"), 1);
        s.Add(4, 2, B("ef"), 2);
        s.Close();

        s.EndBatch().Should().BeFalse();
        s.ContiguousEndsAtGap.Should().BeTrue();
    }

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static string Text(ReadOnlySpan<byte> s) => Encoding.ASCII.GetString(s);
}
