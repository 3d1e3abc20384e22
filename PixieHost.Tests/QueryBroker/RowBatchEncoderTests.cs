using System.Buffers;
using FluentAssertions;
using Google.Protobuf;
using NUnit.Framework;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.QueryBroker;

[TestFixture]
public sealed class RowBatchEncoderTests
{
    private static readonly TableSchema Schema = new("all",
    [
        new ColumnSchema("time_", DataType.Time64NS),
        new ColumnSchema("n", DataType.Int64),
        new ColumnSchema("f", DataType.Float64),
        new ColumnSchema("b", DataType.Boolean),
        new ColumnSchema("upid", DataType.UInt128),
        new ColumnSchema("s", DataType.String),
    ]);

    [TestCase(0, 0, false, false, "")]
    [TestCase(0, 4, true, true, "table-1")]
    [TestCase(1, 2, false, true, "é")]
    [TestCase(3, 1, true, false, "t")]
    public void EncodeResponse_AnyRange_SameBytesAsGoogleProtobuf(int start, int count, bool eow, bool eos, string tableId)
    {
        var batch = SampleBatch();
        var expected = new Pb.ExecuteScriptResponse
        {
            QueryId = "query-1",
            Data = new Pb.QueryData { Batch = RowBatchWireFormat.ToRowBatchData(batch, start, count, tableId, eow, eos) },
        }.ToByteArray();
        var output = new ArrayBufferWriter<byte>();

        var written = RowBatchEncoder.EncodeResponse(output, "query-1", batch, start, count, tableId, eow, eos);

        written.Should().Be(expected.Length);
        output.WrittenSpan.ToArray().Should().Equal(expected);
    }

    [Test]
    public void EncodeResponse_LargeBatch_ParsesBackToSameRows()
    {
        var builder = new RowBatchBuilder(Schema);
        for (var i = 0; i < 5_000; i++)
        {
            builder.AppendRow(long.MaxValue - i, (long)-i, i / 3.0, i % 2 == 0, new UInt128((ulong)i, ulong.MaxValue - (ulong)i), new string('x', i % 300));
        }

        var batch = builder.Build();
        var output = new ArrayBufferWriter<byte>();

        RowBatchEncoder.EncodeResponse(output, "", batch, 0, batch.RowCount, "t", true, true);

        var parsed = Pb.ExecuteScriptResponse.Parser.ParseFrom(output.WrittenSpan);
        var decoded = RowBatchWireFormat.FromRowBatchData(Schema, parsed.Data.Batch);
        for (var c = 0; c < Schema.Count; c++)
        {
            Enumerable.Range(0, batch.RowCount).Select(r => decoded[c].GetValue(r))
                .Should().Equal(Enumerable.Range(0, batch.RowCount).Select(r => batch[c].GetValue(r)), Schema[c].Name);
        }
    }

    private static RowBatch SampleBatch()
    {
        var builder = new RowBatchBuilder(Schema);
        builder.AppendRow(1_704_164_645_500_000_000L, -1L, double.NaN, true, UInt128.Zero, "");
        builder.AppendRow(0L, 0L, -0.5, false, UInt128.MaxValue, "/a");
        builder.AppendRow(1L, long.MinValue, 1e300, true, new UInt128(0, 5), "é\0x");
        builder.AppendRow(127L, 128L, 0.0, false, new UInt128(7, 0), new string('y', 200));
        return builder.Build();
    }
}
