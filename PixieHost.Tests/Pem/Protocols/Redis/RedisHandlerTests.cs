using System.Net.Sockets;
using System.Text;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.Pem.Protocols.Redis;

/// <summary>Real redis-server and redis-cli / redis-benchmark through a recording proxy, replayed into the handler.</summary>
[TestFixture]
[NonParallelizable]
public class RedisHandlerTests
{
    private RedisServer _server = null!;

    [OneTimeSetUp]
    public void StartServer() => _server = RedisServer.Start();

    [OneTimeTearDown]
    public void StopServer() => _server.Dispose();

    [Test]
    public async Task Process_RedisCliCommands_OneRowPerCommandWithPixieFormatting()
    {
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port => RedisServer.CliWithInput(port,
            "SET foo bar\nGET foo\nGET missing\nINCR foo\nDEL l\nLPUSH l a b\nLRANGE l 0 -1\nCONFIG GET maxmemory\nCLIENT SETNAME me\nSET k v EX 100 NX\nHGETALL nokey\n"));

        conns.Should().HaveCount(1);
        foreach (var side in new[] { TraceRole.Client, TraceRole.Server })
        {
            // redis-cli reading commands from stdin first asks for the command docs (for its hints).
            var rows = RedisTestSupport.Rows(conns[0], side).Where(r => (string)r["req_cmd"]! != "COMMAND DOCS").ToList();
            var table = rows.Select(r => ((string)r["req_cmd"]!, (string)r["req_args"]!, (string)r["resp"]!)).ToList();
            table.Should().Equal(
                ("SET", """{"key":"foo","value":"bar"}""", "OK"),
                ("GET", """{"key":"foo"}""", "bar"),
                ("GET", """{"key":"missing"}""", "<NULL>"),
                ("INCR", """{"key":"foo"}""", "-ERR value is not an integer or out of range"),
                ("DEL", """{"key":["l"]}""", "0"),
                ("LPUSH", """{"key":"l","element":["a","b"]}""", "2"),
                ("LRANGE", """{"key":"l","start":"0","stop":"-1"}""", """["b","a"]"""),
                ("CONFIG GET", """{"parameter":["maxmemory"]}""", """["maxmemory","0"]"""),
                ("CLIENT SETNAME", """{"connection-name":"me"}""", "OK"),
                ("SET", """{"key":"k","value":"v","options":["EX","100","NX"]}""", "OK"),
                ("HGETALL", """{"key":"nokey"}""", "[]"));
            rows.Should().OnlyContain(r => (long)r["latency"]! > 0);
            rows.Should().OnlyContain(r => (long)r["trace_role"]! == (long)side);
            rows.Should().OnlyContain(r => (long)r["remote_port"]! > 0);
        }
    }

    [Test]
    public async Task Process_RedisCliPipe_EveryPipelinedCommandPairedInOrder()
    {
        var input = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            input.Append($"*3\r\n$3\r\nSET\r\n$5\r\nk{i:D4}\r\n${i.ToString().Length}\r\n{i}\r\n");
        }

        var conns = await RedisTestSupport.RecordAsync(_server.Port, port => RedisServer.CliWithInput(port, input.ToString(), "--pipe"));

        var rows = RedisTestSupport.Rows(conns[0], TraceRole.Client);
        var sets = rows.Where(r => (string)r["req_cmd"]! == "SET").ToList();
        sets.Should().HaveCount(200);
        sets.Select(r => (string)r["req_args"]!).Should().Equal(Enumerable.Range(0, 200).Select(i => $$"""{"key":"k{{i:D4}}","value":"{{i}}"}"""));
        sets.Should().OnlyContain(r => (string)r["resp"]! == "OK");
        rows.Should().HaveCount(201, "--pipe ends with an ECHO of a random marker");
        rows[^1]["req_cmd"].Should().Be("ECHO");
    }

    [Test]
    public async Task Process_RedisBenchmarkPipelined_AllSetsAndGetsPaired()
    {
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port =>
            ChildProcess.Run("redis-benchmark", ["-p", port.ToString(), "-t", "set,get", "-n", "1000", "-P", "16", "-c", "4", "-q"], TimeSpan.FromSeconds(60)));

        // -P 16 overshoots -n to whole pipelines: count what the clients really sent.
        var sent = conns.Sum(c => Count(c.Stream(fromClient: true), "$3\r\nSET\r\n"u8));
        var gets = conns.Sum(c => Count(c.Stream(fromClient: true), "$3\r\nGET\r\n"u8));
        sent.Should().BeGreaterThanOrEqualTo(1000);
        var rows = RedisTestSupport.Rows(conns, TraceRole.Server);
        rows.Count(r => (string)r["req_cmd"]! == "SET").Should().Be(sent);
        // The last pipeline of a client may be cut off by its close; every answered one is a row.
        rows.Count(r => (string)r["req_cmd"]! == "GET").Should().BeInRange(1000, gets);
        rows.Where(r => (string)r["req_cmd"]! == "SET").Should().OnlyContain(r => (string)r["resp"]! == "OK");
        rows.Where(r => (string)r["req_cmd"]! == "GET").Should().OnlyContain(r => (string)r["resp"]! == "VXK", "redis-benchmark stores 3-byte values");
    }

    [Test]
    public async Task Process_SubscribeThenPublish_PushedMessageIsPushPubRow()
    {
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port =>
        {
            using var sub = RedisServer.CliBackground(port, "SUBSCRIBE", "news");
            sub.WaitFor("news", TimeSpan.FromSeconds(10));
            RedisServer.Cli(port, "PUBLISH", "news", "hello world");
            sub.WaitFor("hello world", TimeSpan.FromSeconds(10));
        });

        conns.Should().HaveCount(2);
        var subRows = RedisTestSupport.Rows(conns[0], TraceRole.Client);
        subRows.Select(r => ((string)r["req_cmd"]!, (string)r["req_args"]!, (string)r["resp"]!)).Should().Equal(
            ("SUBSCRIBE", """{"channel":["news"]}""", """["subscribe","news","1"]"""),
            ("PUSH PUB", "", """["message","news","hello world"]"""));
        subRows[1]["latency"].Should().Be(0L);
        var pubRows = RedisTestSupport.Rows(conns[1], TraceRole.Client);
        pubRows.Select(r => ((string)r["req_cmd"]!, (string)r["req_args"]!, (string)r["resp"]!)).Should().Equal(
            ("PUBLISH", """{"channel":"news","message":"hello world"}""", "1"));
    }

    [Test]
    public async Task Process_Resp3SubscribeTwoChannels_PushesBecomeRowsConfirmationsAbsorbed()
    {
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port =>
        {
            using var sub = RedisServer.CliBackground(port, "-3", "SUBSCRIBE", "c1", "c2");
            sub.WaitFor("c2", TimeSpan.FromSeconds(10));
            RedisServer.Cli(port, "PUBLISH", "c2", "m2");
            sub.WaitFor("m2", TimeSpan.FromSeconds(10));
        });

        var rows = RedisTestSupport.Rows(conns[0], TraceRole.Client).Where(r => (string)r["req_cmd"]! != "HELLO").ToList();
        rows.Select(r => ((string)r["req_cmd"]!, (string)r["req_args"]!, (string)r["resp"]!)).Should().Equal(
            ("SUBSCRIBE", """{"channel":["c1","c2"]}""", """["subscribe","c1","1"]"""),
            ("PUSH PUB", "", """["message","c2","m2"]"""));
    }

    [Test]
    public async Task Process_Resp3Session_MapsDoublesAndNullsRendered()
    {
        RedisServer.Cli(_server.Port, "HSET", "h3", "f", "v");
        RedisServer.Cli(_server.Port, "ZADD", "z3", "1.5", "m");
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port => RedisServer.CliWithInput(port,
            "HGETALL h3\nZSCORE z3 m\nGET nothing3\nSMEMBERS nokey3\nEXISTS h3\n", "-3"));

        var rows = RedisTestSupport.Rows(conns[0], TraceRole.Client);
        var byCmd = rows.Where(r => (string)r["req_cmd"]! is not ("HELLO" or "COMMAND DOCS")).Select(r => ((string)r["req_cmd"]!, (string)r["resp"]!)).ToList();
        byCmd.Should().Equal(
            ("HGETALL", """{"f":"v"}"""),
            ("ZSCORE", "1.5"),
            ("GET", "<NULL>"),
            ("SMEMBERS", "[]"),
            ("EXISTS", "1"));
        var hello = rows.Single(r => (string)r["req_cmd"]! == "HELLO");
        hello["req_args"].Should().Be("""{"protover":"3"}""");
        ((string)hello["resp"]!).Should().StartWith("""{"server":"redis","version":""");
    }

    [Test]
    public async Task Process_InlineCommands_ParsedLikeArrays()
    {
        var conns = await RedisTestSupport.RecordAsync(_server.Port, port =>
        {
            using var c = new TcpClient("127.0.0.1", port);
            var s = c.GetStream();
            s.Write("PING\r\nSET inl 42\r\nGET inl\r\n"u8);
            var got = new StringBuilder();
            var buf = new byte[256];
            while (!got.ToString().Contains("42\r\n"))
            {
                got.Append(Encoding.ASCII.GetString(buf, 0, s.Read(buf)));
            }
        });

        var rows = RedisTestSupport.Rows(conns[0], TraceRole.Server);
        rows.Select(r => ((string)r["req_cmd"]!, (string)r["req_args"]!, (string)r["resp"]!)).Should().Equal(
            ("PING", "[]", "PONG"),
            ("SET", """{"key":"inl","value":"42"}""", "OK"),
            ("GET", """{"key":"inl"}""", "42"));
    }

    private static int Count(ReadOnlySpan<byte> s, ReadOnlySpan<byte> what)
    {
        var n = 0;
        int i;
        while ((i = s.IndexOf(what)) >= 0)
        {
            n++;
            s = s[(i + what.Length)..];
        }

        return n;
    }

    [Test]
    [Explicit("Rewrites the committed corpus from the real server")]
    public async Task RecordCorpus()
    {
        var session = await RedisTestSupport.RecordAsync(_server.Port, port => RedisServer.CliWithInput(port,
            "SET foo bar\nGET foo\nGET missing\nINCR foo\nLPUSH l a b\nLRANGE l 0 -1\nCONFIG GET maxmemory\nCLIENT SETNAME me\nMSET a 1 b 2\nMGET a b zz\nHSET h f v g w\nHGETALL h\nEVAL \"return {1,2,{3,'x'}}\" 0\n"));
        RedisTestSupport.SaveCorpus("session.bin", session);
        var resp3 = await RedisTestSupport.RecordAsync(_server.Port, port => RedisServer.CliWithInput(port,
            "HGETALL h\nZADD z 1.5 m\nZSCORE z m\nGET nothing\nSMEMBERS l\nEXISTS h\nCLIENT TRACKING on\nGET foo\nSET foo x\nDEBUG PROTOCOL true\nDEBUG PROTOCOL verbatim\nDEBUG PROTOCOL double\nDEBUG PROTOCOL null\nDEBUG PROTOCOL map\nDEBUG PROTOCOL set\nDEBUG PROTOCOL push\n", "-3"));
        RedisTestSupport.SaveCorpus("resp3.bin", resp3);
        var bench = await RedisTestSupport.RecordAsync(_server.Port, port =>
            ChildProcess.Run("redis-benchmark", ["-p", port.ToString(), "-t", "set,get,lpush,lrange_100", "-n", "200", "-P", "16", "-c", "1", "-q"], TimeSpan.FromSeconds(60)));
        RedisTestSupport.SaveCorpus("benchmark.bin", bench);
        var pubsub = await RedisTestSupport.RecordAsync(_server.Port, port =>
        {
            using var sub = RedisServer.CliBackground(port, "SUBSCRIBE", "a", "b");
            sub.WaitFor("b", TimeSpan.FromSeconds(10));
            RedisServer.Cli(port, "PUBLISH", "a", "m1");
            RedisServer.Cli(port, "PUBLISH", "b", "m2");
            sub.WaitFor("m2", TimeSpan.FromSeconds(10));
        });
        RedisTestSupport.SaveCorpus("pubsub.bin", pubsub);
    }
}
