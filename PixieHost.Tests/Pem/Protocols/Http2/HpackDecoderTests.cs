using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Protocols.Http2;

namespace PixieHost.Tests.Pem.Protocols.Http2;

/// <summary>RFC 7541 Appendix C examples, decoded in sequence with one decoder each, plus the unknown-state rules.</summary>
[TestFixture]
public class HpackDecoderTests
{
    private const string Date1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    [TestCase(false)]
    [TestCase(true)]
    public void Decode_RfcC3C4RequestSequence_FieldsAndTableSizes(bool huffman)
    {
        var d = new HpackDecoder();
        string[] blocks = huffman
            ? ["828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"]
            : ["828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865", "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"];

        Decode(d, blocks[0]).Should().Equal(("" + ":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"));
        d.TableSize.Should().Be(57);
        Decode(d, blocks[1]).Should().Equal((":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache"));
        d.TableSize.Should().Be(110);
        Decode(d, blocks[2]).Should().Equal((":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value"));
        d.TableSize.Should().Be(164);
        d.Count.Should().Be(3);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Decode_RfcC5C6ResponseSequenceWithEviction_FieldsAndTableSizes(bool huffman)
    {
        var d = new HpackDecoder(maxTableSize: 256);
        string[] blocks = huffman
            ?
            [
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
                "4883640effc1c0bf",
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
            ]
            :
            [
                "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                "4803333037c1c0bf",
                "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
            ];

        Decode(d, blocks[0]).Should().Equal((":status", "302"), ("cache-control", "private"), ("date", Date1), ("location", "https://www.example.com"));
        d.TableSize.Should().Be(222);
        Decode(d, blocks[1]).Should().Equal((":status", "307"), ("cache-control", "private"), ("date", Date1), ("location", "https://www.example.com"));
        d.TableSize.Should().Be(222);
        Decode(d, blocks[2]).Should().Equal((":status", "200"), ("cache-control", "private"), ("date", Date2), ("location", "https://www.example.com"), ("content-encoding", "gzip"), ("set-cookie", Cookie));
        d.TableSize.Should().Be(215);
        d.Count.Should().Be(3);
    }

    [Test]
    public void Decode_RfcC1IntegerAndC22LiteralWithoutIndexing_TableUntouched()
    {
        var d = new HpackDecoder();

        Decode(d, "040c2f73616d706c652f70617468").Should().Equal((":path", "/sample/path"));
        Decode(d, "100870617373776f726406736563726574").Should().Equal(("password", "secret"));
        Decode(d, "82").Should().Equal((":method", "GET"));
        d.Count.Should().Be(0);
    }

    [Test]
    public void Decode_DynamicIndexFromBeforeTracing_ReportedUnknownNotInvented()
    {
        var d = new HpackDecoder(stateKnown: false);

        // Indexed 62 (0xbe), then literal with incremental indexing whose name is dynamic index 63 (0x7f 0x00).
        var fields = Decode(d, "82be7f000161");

        fields.Should().Equal((":method", "GET"), ("<unknown>", "<unknown: HPACK state from before tracing>"), ("<unknown>", "a"));
        d.UnknownFields.Should().Be(2);
        d.Count.Should().Be(1, "the new entry is known even though its name is not");
        Decode(d, "4003666f6f03626172be").Should().Equal(("foo", "bar"), ("foo", "bar"));
    }

    [Test]
    public void Decode_KnownStateIndexPastTable_ErrorAndStateLost()
    {
        var d = new HpackDecoder();

        var headers = new Http2Headers();
        d.Decode(Convert.FromHexString("82c0"), headers).Should().Be(HpackStatus.Error);

        headers.HasUnknown.Should().BeTrue();
        d.MayHoldUnknownEntries.Should().BeTrue();
    }

    [Test]
    public void Decode_SizeUpdateToZero_UnknownStateBecomesKnown()
    {
        var d = new HpackDecoder(stateKnown: false);

        Decode(d, "20").Should().BeEmpty();

        d.MayHoldUnknownEntries.Should().BeFalse();
    }

    [Test]
    public void Decode_KnownEntriesFillTable_OlderUnknownEntriesAreGone()
    {
        var d = new HpackDecoder(stateKnown: false, maxTableSize: 100);

        // name "n" (1) + value of 40 bytes + 32 = 73: 73 + 32 > 100, no older entry can remain.
        Decode(d, "40016e28" + Convert.ToHexString(Encoding.ASCII.GetBytes(new string('v', 40))));

        d.MayHoldUnknownEntries.Should().BeFalse();
    }

    [Test]
    public void HuffmanEncode_RoundTripsEveryByte()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var enc = HpackHuffman.Encode(all);
        var dst = new byte[HpackHuffman.MaxDecodedLength(enc.Length)];

        var n = HpackHuffman.Decode(enc, dst);

        dst.AsSpan(0, n).ToArray().Should().Equal(all);
    }

    [Test]
    public void HuffmanDecode_PaddingOfZeros_Rejected()
    {
        var dst = new byte[16];

        HpackHuffman.Decode([0x00], dst).Should().Be(-1, "'0' is 00000 and the padding 000 is not a prefix of EOS");
        HpackHuffman.Decode([0x07], dst).Should().Be(1, "'0' then 111 padding");
    }

    internal static List<(string, string)> Decode(HpackDecoder d, string hex)
    {
        var headers = new Http2Headers();
        d.Decode(Convert.FromHexString(hex), headers).Should().Be(HpackStatus.Ok);
        var r = new List<(string, string)>();
        for (var i = 0; i < headers.Count; i++)
        {
            r.Add((Encoding.UTF8.GetString(headers.Name(i)), Encoding.UTF8.GetString(headers.Value(i))));
        }

        return r;
    }
}
