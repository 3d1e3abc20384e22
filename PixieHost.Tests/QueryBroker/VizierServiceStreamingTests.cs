using System.Runtime.CompilerServices;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.QueryBroker;

/// <summary>ExecuteScript over a streaming executor (the broker forwarding a kelvin): rows reach the client before the query ends.</summary>
[TestFixture]
public class VizierServiceStreamingTests
{
    private static readonly TableSchema Relation = new("out", [new ColumnSchema("n", Modules.TableStore.DataType.Int64)]);

    [Test]
    public async Task ExecuteScript_StreamingExecutor_ForwardsBatchesBeforeTheQueryEnds()
    {
        var release = new TaskCompletionSource();
        var executor = new GatedExecutor(release.Task);
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton<IQueryExecutor>(executor).AddVizierApi(), app => app.MapVizierApi());
        using var client = new VizierClient(host.Address);
        await using var stream = client.ExecuteScriptAsync(VizierClient.CreateRequest("import px")).GetAsyncEnumerator();

        (await stream.MoveNextAsync()).Should().BeTrue();
        stream.Current.MetaData.Name.Should().Be("out");
        (await stream.MoveNextAsync()).Should().BeTrue();
        var first = stream.Current.Data.Batch;
        first.NumRows.Should().Be(3);
        first.Eos.Should().BeFalse("the table has not ended");
        release.Task.IsCompleted.Should().BeFalse("the first rows arrived while the executor was still running");

        release.SetResult();
        var rest = new List<ExecuteScriptResponse>();
        while (await stream.MoveNextAsync())
        {
            rest.Add(stream.Current);
        }

        rest[0].Data.Batch.NumRows.Should().Be(2);
        rest[0].Data.Batch.Eos.Should().BeTrue("the last batch of a table carries eos, as Pixie sends it");
        rest[1].Status.Message.Should().Be("pem 2 failed");
        rest[1].Status.Code.Should().Be(0);
        rest[2].Data.ExecutionStats.RecordsProcessed.Should().Be(5);
        rest.Should().HaveCount(3);
    }

    [Test]
    public async Task ExecuteScript_StreamingExecutorCompileError_InBandWithLineAndColumn()
    {
        var executor = new GatedExecutor(Task.CompletedTask) { CompileError = new PxlCompileException("name 'dff' is not defined", 2, 5) };
        await using var host = await RpcTestHost.StartAsync(s => s.AddSingleton<IQueryExecutor>(executor).AddVizierApi(), app => app.MapVizierApi());
        using var client = new VizierClient(host.Address);

        var responses = new List<ExecuteScriptResponse>();
        await foreach (var r in client.ExecuteScriptAsync(VizierClient.CreateRequest("import px\npx.display(dff)")))
        {
            responses.Add(r);
        }

        var error = responses.Should().ContainSingle().Subject.Status;
        error.Code.Should().Be(3);
        error.ErrorDetails[0].CompilerError.Line.Should().Be(2);
        error.ErrorDetails[0].CompilerError.Column.Should().Be(5);
    }

    private static RowBatch Batch(params long[] values) => new(Relation, [new Modules.TableStore.Int64Column(values, values.Length)], values.Length);

    private sealed class GatedExecutor(Task gate) : IStreamingQueryExecutor
    {
        public PxlCompileException? CompileError { get; init; }

        public async IAsyncEnumerable<QueryEvent> StreamAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (CompileError is not null)
            {
                throw CompileError;
            }

            yield return new TableStarted(0, Relation);
            yield return new TableBatch(0, Batch(1, 2, 3));
            yield return new TableBatch(0, Batch(4, 5));
            await gate.WaitAsync(cancellationToken);
            yield return new TableEnded(0);
            yield return new QueryWarning("pem 2 failed");
            yield return new ExecutionStats(10, 40, 5, 1);
        }

        public Task<QueryResult> ExecuteAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The service streams.");

        public string Explain(QueryRequest request) => string.Empty;
    }
}
