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

    private static string WriteScript(string pxl)
    {
        var file = Path.Combine(Path.GetTempPath(), $"script-{Guid.NewGuid():N}.pxl");
        File.WriteAllText(file, pxl);
        return file;
    }
}
