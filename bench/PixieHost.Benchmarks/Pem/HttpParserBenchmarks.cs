using System.Text;
using BenchmarkDotNet.Attributes;
using PixieHost.Modules.Pem.Protocols.Http;

namespace PixieHost.Benchmarks.Pem;

/// <summary>Head parsing alone: a curl request and an nginx response (the heads of <see cref="HttpTrafficRecording"/>).</summary>
[MemoryDiagnoser]
public class HttpParserBenchmarks
{
    private readonly byte[] _request = Encoding.ASCII.GetBytes(HttpTrafficRecording.Request);
    private readonly byte[] _response = Encoding.ASCII.GetBytes(HttpTrafficRecording.Response);
    private readonly HttpFrame _frame = new();

    [Benchmark]
    public int ParseRequestHead()
    {
        HttpParser.ParseHead(_request, HttpMessageKind.Request, _frame, out var consumed);
        return consumed;
    }

    [Benchmark]
    public int ParseResponseHead()
    {
        HttpParser.ParseHead(_response, HttpMessageKind.Response, _frame, out var consumed);
        return consumed;
    }
}
