using System.Security.Cryptography;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.TableStore;
using PixieHost.Tests.Support;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Tests.QueryBroker;

[TestFixture]
public sealed class BatchEncryptionTests
{
    private RpcTestHost? _host;

    [TearDown]
    public async Task TearDown()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [TestCase("DEF")]
    [TestCase("")]
    public void Encrypt_ThenDecryptWithPrivateKey_SameBytesAndJweHeader(string compression)
    {
        using var key = RSA.Create(2048);
        var options = VizierClient.CreateEncryptionOptions(key);
        options.CompressionAlg = compression;
        BatchEncryption.TryCreate(options, out var encryption, out var error).Should().BeTrue(error);
        var plaintext = Enumerable.Range(0, 5000).Select(i => (byte)(i % 7)).ToArray();

        using (encryption)
        {
            var jwe = encryption!.Encrypt(plaintext);

            var parts = System.Text.Encoding.ASCII.GetString(jwe).Split('.');
            parts.Should().HaveCount(5);
            var header = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
            header.Should().Contain("\"alg\":\"RSA-OAEP-256\"").And.Contain("\"enc\":\"A256GCM\"");
            header.Contains("\"zip\":\"DEF\"").Should().Be(compression == "DEF");
            BatchEncryption.Decrypt(key, jwe).Should().Equal(plaintext);
        }
    }

    [Test]
    public void TryCreate_UnsupportedAlgorithm_ErrorNamesSupportedOnes()
    {
        using var key = RSA.Create(2048);
        var options = VizierClient.CreateEncryptionOptions(key);
        options.KeyAlg = "RSA1_5";

        BatchEncryption.TryCreate(options, out _, out var error).Should().BeFalse();

        error.Should().Contain("RSA1_5").And.Contain("RSA-OAEP-256");
    }

    [Test]
    public async Task ExecuteScript_EncryptionOptions_BatchesOnlyAsJweAndClientDecrypts()
    {
        var table = TestQueryExecutor.Table("t", [new ColumnSchema("s", DataType.String), new ColumnSchema("n", DataType.Int64)], ["secret", 1L], ["more", 2L]);
        _host = await RpcTestHost.StartAsync(s => s.AddSingleton<IQueryExecutor>(new TestQueryExecutor(table)).AddVizierApi(), app => app.MapVizierApi());
        using var client = new VizierClient(_host.Address);
        using var key = RSA.Create(2048);
        var request = VizierClient.CreateRequest("s");
        request.EncryptionOptions = VizierClient.CreateEncryptionOptions(key);

        var raw = new List<Pb.ExecuteScriptResponse>();
        await foreach (var r in client.ExecuteScriptAsync(request))
        {
            raw.Add(r);
        }

        var result = await client.RunAsync(request, decryptionKey: key);

        var data = raw.Where(r => r.Data is not null).ToList();
        data.Where(r => r.Data.ExecutionStats is null).Should().ContainSingle()
            .Which.Data.Should().Match<Pb.QueryData>(d => d.Batch == null && !d.EncryptedBatch.IsEmpty);
        System.Text.Encoding.ASCII.GetString(data[0].Data.EncryptedBatch.ToByteArray()).Should().NotContain("secret");
        result["t"].Rows.Should().BeEquivalentTo(new[] { new object[] { "secret", 1L }, ["more", 2L] }, o => o.WithStrictOrdering());
    }

    [Test]
    public async Task RunAsync_EncryptedWithoutKey_FailedPrecondition()
    {
        var table = TestQueryExecutor.Table("t", [new ColumnSchema("n", DataType.Int64)], [1L]);
        _host = await RpcTestHost.StartAsync(s => s.AddSingleton<IQueryExecutor>(new TestQueryExecutor(table)).AddVizierApi(), app => app.MapVizierApi());
        using var client = new VizierClient(_host.Address);
        using var key = RSA.Create(2048);
        var request = VizierClient.CreateRequest("s");
        request.EncryptionOptions = VizierClient.CreateEncryptionOptions(key);

        var act = () => client.RunAsync(request);

        (await act.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(StatusCode.FailedPrecondition);
    }
}
