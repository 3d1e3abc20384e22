using FluentAssertions;
using NUnit.Framework;
using PixieHost.Cli;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Scripts;

namespace PixieHost.Tests.Cli;

[TestFixture]
public class ScriptSourceTests
{
    private const string Pxl = "import px\n\ndef f(start_time: str):\n    return px.DataFrame(table='http_events', start_time=start_time)\n";
    private const string Vis = """
        {"variables": [{"name": "start_time", "type": "PX_STRING", "defaultValue": "-5m"}],
         "globalFuncs": [{"outputName": "out", "func": {"name": "f", "args": [{"name": "start_time", "variable": "start_time"}]}}],
         "widgets": [{"name": "W", "globalFuncOutputName": "out", "displaySpec": {"@type": "types.px.dev/px.vispb.Table"}}]}
        """;

    private string _dir = "";

    [SetUp]
    public void CreateDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"pxl-dir-{Guid.NewGuid():N}"));

    [TearDown]
    public void DeleteDir() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TryResolve_PixieLayoutDirectory_ReadsPxlAndVis()
    {
        Write("my_script.pxl", Pxl);
        Write("vis.json", Vis);
        Write("manifest.yaml", "---\nshort: Mine\nlong: >\n  My script.\n");

        ScriptSource.TryResolve(null, _dir, out var source, out var error).Should().BeTrue(error);

        source.Pxl.Should().Be(Pxl);
        source.Vis.Should().Be(Vis);
        source.Name.Should().BeNull("a directory is not a library script");
        source.Origin.Should().Be(_dir);
    }

    [Test]
    public void TryResolve_DirectoryWithoutVis_RunsThePxlAsIs()
    {
        Write("plain.pxl", Pxl);

        ScriptSource.TryResolve(null, _dir, out var source, out _).Should().BeTrue();

        source.Vis.Should().BeNull();
        source.Pxl.Should().Be(Pxl);
    }

    [Test]
    public void TryResolve_DirectoryWithoutPxl_SaysWhatADirectoryHolds()
    {
        Write("vis.json", Vis);

        ScriptSource.TryResolve(null, _dir, out _, out var error).Should().BeFalse();

        error.Should().Contain(_dir).And.Contain("no .pxl file").And.Contain("vis.json");
    }

    [Test]
    public void TryResolve_DirectoryWithTwoPxlFiles_NamesThemAndSuggestsOne()
    {
        Write("a.pxl", Pxl);
        Write("b.pxl", Pxl);

        ScriptSource.TryResolve(null, _dir, out _, out var error).Should().BeFalse();

        error.Should().Contain("2 .pxl files").And.Contain("a.pxl, b.pxl").And.Contain($"-f {Path.Combine(_dir, "a.pxl")}");
    }

    [Test]
    public void TryResolve_InvalidVisJson_NamesTheFileAndPosition()
    {
        Write("s.pxl", Pxl);
        Write("vis.json", "{\n  \"variables\": [\n    {\"name\": \"start_time\",, }\n  ]\n}\n");

        ScriptSource.TryResolve(null, _dir, out _, out var error).Should().BeFalse();

        error.Should().Contain(Path.Combine(_dir, "vis.json")).And.Contain("line 3, column");
    }

    [Test]
    public void TryResolve_VisJsonOfTheWrongShape_SaysWhere()
    {
        Write("s.pxl", Pxl);
        Write("vis.json", "{\"variables\": {\"name\": \"x\"}}");

        ScriptSource.TryResolve(null, _dir, out _, out var error).Should().BeFalse();

        error.Should().Contain("vis.json").And.Contain("line 1").And.Contain("$.variables");
    }

    [Test]
    public void TryResolve_PxlFile_HasNoVis()
    {
        var file = Write("s.pxl", Pxl);

        ScriptSource.TryResolve(null, file, out var source, out _).Should().BeTrue();

        source.Pxl.Should().Be(Pxl);
        source.Vis.Should().BeNull();
    }

    [Test]
    public void TryResolve_MissingFile_SaysSo()
    {
        ScriptSource.TryResolve(null, Path.Combine(_dir, "nope.pxl"), out _, out var error).Should().BeFalse();

        error.Should().Contain("does not exist");
    }

    [Test]
    public void TryResolve_LibraryName_CarriesNameAndVis()
    {
        ScriptSource.TryResolve("px/service_stats", null, out var source, out _).Should().BeTrue();

        source.Name.Should().Be("px/service_stats");
        source.Vis.Should().Contain("let_over_time");
    }

    [Test]
    public void TryResolve_NameWithoutPrefix_FindsThePxScript()
    {
        ScriptSource.TryResolve("http_data", null, out var source, out _).Should().BeTrue();

        source.Name.Should().Be("px/http_data");
    }

    [Test]
    public void TryResolve_UnknownName_SuggestsTheNearestScripts()
    {
        ScriptSource.TryResolve("px/htp_data", null, out _, out var error).Should().BeFalse();

        error.Should().Contain("No script 'px/htp_data'").And.Contain("Did you mean px/http_data");
    }

    [Test]
    public void TryResolve_FarOffName_PointsToTheList()
    {
        ScriptSource.TryResolve("px/zzzzzzzzzzzzzzzz", null, out _, out var error).Should().BeFalse();

        error.Should().Contain("pixie script list").And.NotContain("Did you mean");
    }

    [Test]
    public void TryResolve_NameAndFile_IsAnError()
    {
        ScriptSource.TryResolve("px/http_data", _dir, out _, out var error).Should().BeFalse();

        error.Should().Contain("not both");
    }

    [Test]
    public void ExecFuncs_VisFunctions_UseDefaultsOrGivenArgsAndOutputNames()
    {
        var vis = VisSpec.Parse(Vis.Replace("\"widgets\": [", """
            "widgets": [{"name": "Own", "func": {"name": "g", "args": [{"name": "n", "value": "7"}]}, "displaySpec": {}},
            """, StringComparison.Ordinal));

        var byDefault = VisCalls.ExecFuncs(vis, new Dictionary<string, string>());
        var given = VisCalls.ExecFuncs(vis, new Dictionary<string, string> { ["start_time"] = "-1h" });

        byDefault.Select(f => (f.FuncName, f.OutputTablePrefix)).Should().Equal(("f", "out"), ("g", "Own"));
        byDefault[0].ArgValues.Single().Value.Should().Be("-5m");
        byDefault[1].ArgValues.Single().Value.Should().Be("7");
        given[0].ArgValues.Single().Value.Should().Be("-1h");
    }

    [Test]
    public void TryCheckArgs_UnknownArgument_ListsTheScriptsArguments()
    {
        VisCalls.TryCheckArgs(VisSpec.Parse(Vis), new Dictionary<string, string> { ["start"] = "-1m" }, out var error).Should().BeFalse();

        error.Should().Contain("--start").And.Contain("--start_time (default '-5m')");
    }

    [Test]
    public void TryCheckArgs_VariableWithoutDefault_MustBeGiven()
    {
        var vis = VisSpec.Parse("""{"variables": [{"name": "pod", "type": "PX_POD"}]}""");

        VisCalls.TryCheckArgs(vis, new Dictionary<string, string>(), out var error).Should().BeFalse();
        error.Should().Contain("needs --pod");
        VisCalls.TryCheckArgs(vis, new Dictionary<string, string> { ["pod"] = "ns/p" }, out _).Should().BeTrue();
    }

    [Test]
    public void ScriptCommand_ShowWithVis_PrintsPxlThenVisJson()
    {
        var (output, code) = RunScriptCommand("show", "px/http_data", "--vis");

        code.Should().Be(0);
        output.Should().StartWith("# px/http_data: HTTP Data");
        output.IndexOf("def http_data(", StringComparison.Ordinal).Should().BeLessThan(output.IndexOf("\"variables\"", StringComparison.Ordinal));
    }

    [Test]
    public void ScriptCommand_List_PrintsEveryScriptWithItsDescription()
    {
        var (output, code) = RunScriptCommand("list");

        code.Should().Be(0);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(ScriptLibrary.Embedded.List().Count);
        lines.Should().Contain(l => l.StartsWith("px/service_stats ", StringComparison.Ordinal) && l.EndsWith("Service Stats", StringComparison.Ordinal));
    }

    [Test]
    public void ScriptCommand_ScriptsAlias_StillWorks()
    {
        var output = new StringWriter();
        var root = new System.CommandLine.RootCommand { ScriptCommand.Create(ScriptLibrary.Embedded, output, new StringWriter()) };

        root.Parse(["scripts", "list"]).Invoke().Should().Be(0);
        output.ToString().Should().Contain("px/http_data");
    }

    private static (string Output, int Code) RunScriptCommand(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var root = new System.CommandLine.RootCommand { ScriptCommand.Create(ScriptLibrary.Embedded, output, errors) };
        var code = root.Parse(["script", .. args]).Invoke();
        return (output.ToString() + errors, code);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
