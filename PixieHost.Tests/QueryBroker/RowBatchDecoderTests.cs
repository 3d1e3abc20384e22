using System.Buffers;
using FluentAssertions;
using Google.Protobuf;
using NUnit.Framework;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.QueryBroker;

[TestFixture]
public sealed class RowBatchDecoderTests
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

    [TestCase(0, 4, true, true)]
    [TestCase(1, 2, false, true)]
    [TestCase(0, 0, false, false)]
    public void TryDecodeBatchResponse_EncodedBatch_SameValuesAndFlags(int start, int count, bool eow, bool eos)
    {
        var batch = SampleBatch();
        var output = new ArrayBufferWriter<byte>();
        RowBatchEncoder.EncodeResponse(output, "q", batch, start, count, "table-é", eow, eos);

        RowBatchDecoder.TryDecodeBatchResponse(output.WrittenSpan, out var decoded).Should().BeTrue();

        (decoded.TableId, decoded.NumRows, decoded.Eow, decoded.Eos).Should().Be(("table-é", (long)count, eow, eos));
        decoded.Columns.Select(c => c.Type).Should().Equal(Schema.Columns.Select(c => c.Type));
        for (var c = 0; c < Schema.Count; c++)
        {
            Enumerable.Range(0, decoded.Columns[c].Length).Select(r => decoded.Columns[c].GetValue(r))
                .Should().Equal(Enumerable.Range(start, count).Select(r => batch[c].GetValue(r)), Schema[c].Name);
        }
    }

    [Test]
    public void TryDecodeBatchResponse_UnpackedScalars_Accepted()
    {
        // Column{int64_data{data: 5, data: -7}} with one tag per value (legal; proto2-style encoders write it).
        const byte DataVarintTag = (1 << 3) | 0;
        var unpacked = Concat([DataVarintTag], Varint(5), [DataVarintTag], Varint(-7));
        var column = Concat(Varint((2 << 3) | 2), Varint(unpacked.Length), unpacked);
        byte[] numRowsAndTableId = [0x10, 0x02, 0x2A, 0x01, (byte)'t'];
        var batch = Concat(Varint((1 << 3) | 2), Varint(column.Length), column, numRowsAndTableId);
        var data = Concat(Varint((1 << 3) | 2), Varint(batch.Length), batch);
        var response = Concat(Varint((3 << 3) | 2), Varint(data.Length), data);

        RowBatchDecoder.TryDecodeBatchResponse(response, out var decoded).Should().BeTrue();

        ((Int64Column)decoded.Columns[0]).Values.Take(2).Should().Equal(5L, -7L);
        Pb.ExecuteScriptResponse.Parser.ParseFrom(response).Data.Batch.Cols[0].Int64Data.Data.Should().Equal(5L, -7L);
    }

    [Test]
    public void TryDecodeBatchResponse_MetadataOrStats_FalseForGeneratedParser()
    {
        var metadata = new Pb.ExecuteScriptResponse { QueryId = "q", MetaData = new Pb.QueryMetadata { Name = "t", Id = "1" } }.ToByteArray();
        var stats = new Pb.ExecuteScriptResponse { Data = new Pb.QueryData { ExecutionStats = new Pb.QueryExecutionStats { RecordsProcessed = 1 } } }.ToByteArray();
        var status = new Pb.ExecuteScriptResponse { Status = new Pb.Status { Code = 3 } }.ToByteArray();

        RowBatchDecoder.TryDecodeBatchResponse(metadata, out _).Should().BeFalse();
        RowBatchDecoder.TryDecodeBatchResponse(stats, out _).Should().BeFalse();
        RowBatchDecoder.TryDecodeBatchResponse(status, out _).Should().BeFalse();
    }

    [Test]
    public void TryDecodeBatchResponse_EveryTruncation_FalseNeverThrows()
    {
        var output = new ArrayBufferWriter<byte>();
        RowBatchEncoder.EncodeResponse(output, "q", SampleBatch(), 0, 4, "t", true, true);
        var bytes = output.WrittenSpan.ToArray();

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var act = () => RowBatchDecoder.TryDecodeBatchResponse(bytes.AsSpan(0, cut), out _);
            act.Should().NotThrow();
        }

        RowBatchDecoder.TryDecodeBatchResponse(bytes.AsSpan(0, bytes.Length - 1), out _).Should().BeFalse();
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

    private static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        var v = (ulong)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
