using FluentAssertions;
using NUnit.Framework;
using PixieHost.Tests.Support;

namespace PixieHost.Tests.EndToEnd;

/// <summary>The `pixie` verbs as a user runs them: real processes, real output.</summary>
[TestFixture]
[NonParallelizable]
public class CliEndToEndTests
{
    private PixieProcess? _pixie;

    [OneTimeSetUp]
    public void Start() => _pixie = PixieProcess.Start(false, "--set", "Pem:EnableSocketTracer=false");

    [OneTimeTearDown]
    public void Stop() => _pixie?.Dispose();

    [Test]
    public void Run_BrokenScript_PrintsLineColumnAndCaretAndExits1()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.pxl");
        File.WriteAllText(file, "import px\ndf = px.DataFrame(table='http_events')\ndf = df[df.resp_status >= ]\npx.display(df)\n");
        try
        {
            var (code, output) = _pixie!.Run("-f", file);
            code.Should().Be(1);
            output.Should().Contain("line 3, col").And.Contain("df = df[df.resp_status >= ]").And.Contain("^");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Run_UnknownColumn_SuggestsTheClosestName()
    {
        var file = Path.Combine(Path.GetTempPath(), $"typo-{Guid.NewGuid():N}.pxl");
        File.WriteAllText(file, "import px\ndf = px.DataFrame(table='http_events')\ndf = df[df.reqpath == '/']\npx.display(df)\n");
        try
        {
            var (code, output) = _pixie!.Run("-f", file);
            code.Should().Be(1);
            output.Should().Contain("line 3").And.Contain("req_path");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Run_LibraryScriptAsCsvAndJson_PrintsHeaderAndTableName()
    {
        var (code, csv) = _pixie!.Run("px/http_request_stats", "-o", "csv");
        code.Should().Be(0, csv);
        csv.Split('\n')[0].Should().Contain(",");

        var (jcode, json) = _pixie.Run("-f", WriteScript("import px\ndf = px.DataFrame(table='process_stats', start_time='-1m')\ndf = df.agg(n=('upid', px.count))\npx.display(df, 'procs')\n"), "-o", "json");
        jcode.Should().Be(0, json);
        json.Should().Contain("\"_table\":\"procs\"");
    }

    [Test]
    public void Run_NothingListening_SaysHowToFixIt()
    {
        var port = ChildProcess.FreePort();
        var (code, output) = ChildProcess.Run("dotnet", [PixieProcess.PixieDll, "run", "px/http_data", "--addr", $"127.0.0.1:{port}"], TimeSpan.FromSeconds(60));
        code.Should().Be(1);
        output.Should().Contain($"127.0.0.1:{port}").And.Contain("pixie serve");
    }

    [Test]
    public void Explain_LibraryScript_PrintsPlanWithoutAServer()
    {
        var (code, output) = ChildProcess.Run("dotnet", [PixieProcess.PixieDll, "explain", "px/http_data"], TimeSpan.FromSeconds(60));
        code.Should().Be(0, output);
        output.Should().Contain("SourceExec: table=http_events").And.Contain("LogicalSource");
    }

    [Test]
    public void Serve_UnknownRole_ListsTheRoles()
    {
        var (code, output) = ChildProcess.Run("dotnet", [PixieProcess.PixieDll, "serve", "--role", "kelvinn"], TimeSpan.FromSeconds(60));
        code.Should().Be(2);
        output.Should().Contain("Unknown role 'kelvinn'").And.Contain("pem").And.Contain("query-broker");
    }

    [Test]
    public void Explain_ScriptDirectory_PlansTheFunctionsItsVisJsonNames()
    {
        var dir = WriteScriptDirectory(("my_stats.pxl", DirPxl), ("vis.json", DirVis), ("manifest.yaml", "---\nshort: Mine\nlong: >\n  Mine.\n"));
        try
        {
            var (code, output) = Pixie("explain", "-f", dir, "--", "--start_time", "-1h");
            code.Should().Be(0, output);
            output.Should().Contain("LogicalSink: name=per_path").And.Contain("SourceExec: table=http_events").And.Contain("req_path");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Explain_DirectoryWithTwoPxlFiles_SaysWhichToPick()
    {
        var dir = WriteScriptDirectory(("a.pxl", DirPxl), ("b.pxl", DirPxl));
        try
        {
            var (code, output) = Pixie("explain", "-f", dir);
            code.Should().Be(2);
            output.Should().Contain("2 .pxl files").And.Contain("a.pxl, b.pxl");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Explain_BrokenVisJson_NamesTheFileAndPosition()
    {
        var dir = WriteScriptDirectory(("s.pxl", DirPxl), ("vis.json", "{\"variables\": [\n  {\"name\": }\n]}"));
        try
        {
            var (code, output) = Pixie("explain", "-f", dir);
            code.Should().Be(2);
            output.Should().Contain(Path.Combine(dir, "vis.json")).And.Contain("line 2, column");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Run_ScriptDirectory_RunsItsVisFunctionsWithDefaultsAndArgs()
    {
        const string pxl = "import px\n\n\ndef per_path(start_time: str):\n    df = px.DataFrame(table='process_stats', start_time=start_time)\n" +
            "    df = df.agg(n=('upid', px.count))\n    df.window = start_time\n    return df\n";
        var dir = WriteScriptDirectory(("procs.pxl", pxl), ("vis.json", DirVis));
        try
        {
            var (code, output) = _pixie!.Run("-f", dir, "-o", "json");
            code.Should().Be(0, output);
            output.Should().Contain("\"_table\":\"per_path\"").And.Contain("\"window\":\"-5m\"");

            (code, output) = _pixie.Run("-f", dir, "-o", "json", "--", "--start_time", "-30s");
            code.Should().Be(0, output);
            output.Should().Contain("\"window\":\"-30s\"");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Script_ListAndShow_PrintTheLibrary()
    {
        var (code, list) = Pixie("script", "list");
        code.Should().Be(0, list);
        list.Should().Contain("px/service_stats").And.Contain("px/net_flow_graph").And.Contain("px/perf_flamegraph");

        var (showCode, show) = Pixie("script", "show", "px/service_stats", "--vis");
        showCode.Should().Be(0, show);
        show.Should().Contain("def let_over_time(start_time: str, svc: px.Service)").And.Contain("\"globalFuncs\"");

        var (aliasCode, alias) = Pixie("scripts", "show", "http_data");
        aliasCode.Should().Be(0, alias);
        alias.Should().Contain("# px/http_data");
    }

    [Test]
    public void Script_ShowUnknownName_SuggestsTheNearest()
    {
        var (code, output) = Pixie("script", "show", "px/service_stat");
        code.Should().Be(2);
        output.Should().Contain("Did you mean px/service_stats");
    }

    private const string DirPxl = "import px\n\n\ndef per_path(start_time: str):\n    df = px.DataFrame(table='http_events', start_time=start_time)\n" +
        "    return df.groupby(['req_path']).agg(n=('latency', px.count))\n";

    private const string DirVis = """
        {"variables": [{"name": "start_time", "type": "PX_STRING", "defaultValue": "-5m"}],
         "globalFuncs": [{"outputName": "per_path", "func": {"name": "per_path", "args": [{"name": "start_time", "variable": "start_time"}]}}],
         "widgets": [{"name": "Paths", "globalFuncOutputName": "per_path", "position": {"x": 0, "y": 0, "w": 12, "h": 4},
                      "displaySpec": {"@type": "types.px.dev/px.vispb.Table"}}]}
        """;

    private static (int Code, string Output) Pixie(params string[] args) =>
        ChildProcess.Run("dotnet", [PixieProcess.PixieDll, .. args], TimeSpan.FromSeconds(60));

    private static string WriteScriptDirectory(params (string Name, string Text)[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"script-dir-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), text);
        }

        return dir;
    }

    private static string WriteScript(string pxl)
    {
        var file = Path.Combine(Path.GetTempPath(), $"script-{Guid.NewGuid():N}.pxl");
        File.WriteAllText(file, pxl);
        return file;
    }
}
