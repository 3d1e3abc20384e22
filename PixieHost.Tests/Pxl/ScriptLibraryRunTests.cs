using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.Pxl.Scripts;
using PixieHost.Tests.Pxl.Support;

namespace PixieHost.Tests.Pxl;

/// <summary>
/// Every script of the embedded library, discovered at run time: its manifest and vis.json parse, it compiles with
/// its vis.json defaults, and it runs over synthetic data with one result table per widget.
/// </summary>
[TestFixture]
public partial class ScriptLibraryRunTests
{
    /// <summary>Scripts whose output comes from introspection rather than from the tables filled here.</summary>
    private static readonly HashSet<string> NotFromTables = ["px/agent_status", "px/schemas", "px/funcs"];

    public static IEnumerable<string> ScriptNames() => ScriptLibrary.Embedded.List().Select(s => s.Name);

    [Test]
    public void List_Embedded_HasTheWholeLibrary()
    {
        ScriptNames().Should().HaveCountGreaterThanOrEqualTo(36);
    }

    [TestCaseSource(nameof(ScriptNames))]
    public void Manifest_EveryScript_HasShortAndLongDescriptions(string name)
    {
        var script = Get(name);
        script.ShortDescription.Should().NotBeNullOrWhiteSpace();
        script.LongDescription.Should().NotBeNullOrWhiteSpace();
        script.LongDescription.Length.Should().BeGreaterThan(script.ShortDescription.Length);
    }

    [TestCaseSource(nameof(ScriptNames))]
    public void VisJson_EveryScript_IsWellFormed(string name)
    {
        var script = Get(name);
        script.VisJson.Should().NotBeNull();
        var vis = VisSpec.Parse(script.VisJson!);
        vis.Widgets.Should().NotBeEmpty();
        var variables = vis.Variables.Select(v => v.Name).ToHashSet();
        var globals = vis.GlobalFuncs.Select(g => g.OutputName).ToHashSet();
        foreach (var v in vis.Variables)
        {
            v.Type.Should().StartWith("PX_");
            v.DefaultValue.Should().NotBeNull($"variable {v.Name} of {name} needs a default so the script runs as is");
        }

        foreach (var func in vis.GlobalFuncs.Select(g => g.Func).Concat(vis.Widgets.Where(w => w.Func is not null).Select(w => w.Func!)))
        {
            func.Args.Where(a => a.Variable is not null).Select(a => a.Variable!).Should().BeSubsetOf(variables);
            script.Pxl.Should().Contain($"def {func.Name}(", $"vis.json of {name} calls {func.Name}");
        }

        foreach (var w in vis.Widgets)
        {
            (w.Func is null).Should().Be(w.GlobalFuncOutputName is not null, $"widget '{w.Name}' names a function or a global output");
            if (w.GlobalFuncOutputName is { } g)
            {
                globals.Should().Contain(g);
            }

            var pos = w.Position!.Value;
            var (x, width) = (pos.GetProperty("x").GetInt32(), pos.GetProperty("w").GetInt32());
            (x + width).Should().BeLessThanOrEqualTo(12, $"widget '{w.Name}' fits the 12-column grid");
            w.DisplaySpec!.Value.GetProperty("@type").GetString().Should().MatchRegex(
                @"^types\.px\.dev/px\.vispb\.(Table|TimeseriesChart|Graph|RequestGraph|BarChart|HistogramChart|StackTraceFlameGraph)$");
        }
    }

    [TestCaseSource(nameof(ScriptNames))]
    public async Task Execute_FilledTables_EveryWidgetHasItsTable(string name)
    {
        var script = Get(name);
        // Over pods that resolve: the overview scripts leave out processes without a pod, as Pixie's do.
        var functions = Modules.Pxl.Functions.FunctionRegistry.Create(LibraryData.Pods());
        var result = await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now, functions: functions)
            .ExecuteAsync(new QueryRequest(script.Pxl, QueryName: name));

        var tables = result.Tables.ToDictionary(t => t.Name);
        foreach (var output in OutputNames(script))
        {
            tables.Should().ContainKey(output);
            if (!NotFromTables.Contains(name))
            {
                tables[output].RowCount.Should().BePositive($"'{output}' of {name} reads tables that have rows");
            }
        }
    }

    [TestCaseSource(nameof(ScriptNames))]
    public async Task Execute_FilledTablesWithPods_NoUnnamedPodServiceOrNamespace(string name)
    {
        var script = Get(name);
        var functions = Modules.Pxl.Functions.FunctionRegistry.Create(LibraryData.Pods());
        var result = await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now, functions: functions)
            .ExecuteAsync(new QueryRequest(script.Pxl, QueryName: name));

        foreach (var table in result.Tables)
        {
            // Every process of the data has a pod, so a pod, service or namespace column never holds "".
            foreach (var (column, index) in table.Relation.Columns.Select((c, i) => (c, i)))
            {
                if (column.Name is "pod" or "service" or "namespace" && column.Type == Modules.TableStore.DataType.String)
                {
                    var values = table.Batches.SelectMany(b => Enumerable.Range(0, b.RowCount).Select(r => ((Modules.TableStore.StringColumn)b.Columns[index]).GetString(r)));
                    values.Should().NotContain(string.Empty, $"column '{column.Name}' of '{table.Name}' in {name}");
                }
            }
        }
    }

    [Test]
    public async Task Execute_PodsWithPods_ListsEachPodWithItsNamespaceAndNode()
    {
        var functions = Modules.Pxl.Functions.FunctionRegistry.Create(LibraryData.Pods());
        var result = await new QueryExecutor(LibraryData.Filled(), () => HttpEventsData.Now, functions: functions)
            .ExecuteAsync(new QueryRequest(Get("px/pods").Pxl, QueryName: "px/pods"));

        var pods = result.Tables.Single(t => t.Name == "Pods");
        var rows = ResultRows.Of(pods);
        rows.Select(r => (string)r["namespace"]!).Should().OnlyContain(ns => ns == "default");
        rows.Select(r => (string)r["pod"]!).Should().HaveCount(3).And.Contain(p => p.Contains("\"label\":\"default/frontend-0\""));
        rows.Select(r => (string)r["status"]!).Should().OnlyContain(s => s == "Running");
    }

    [TestCaseSource(nameof(ScriptNames))]
    public async Task Execute_EmptyTables_CompilesAndReturnsNoRows(string name)
    {
        var script = Get(name);
        var result = await new QueryExecutor(LibraryData.Empty(), () => HttpEventsData.Now).ExecuteAsync(new QueryRequest(script.Pxl, QueryName: name));

        result.Tables.Select(t => t.Name).Should().Contain(OutputNames(script));
        if (!NotFromTables.Contains(name))
        {
            result.Tables.Should().OnlyContain(t => t.RowCount == 0);
        }
    }

    [TestCaseSource(nameof(ScriptNames))]
    public void ScriptReference_EveryLink_TargetsALibraryScriptWithThoseVariables(string name)
    {
        foreach (Match m in ScriptReferenceRegex().Matches(Get(name).Pxl))
        {
            var target = m.Groups["target"].Value;
            ScriptLibrary.Embedded.TryGet(target, out var linked).Should().BeTrue($"{name} links to {target}");
            var variables = VisSpec.Parse(linked.VisJson!).Variables.Select(v => v.Name).ToList();
            foreach (Match key in Regex.Matches(m.Groups["args"].Value, @"'(?<key>\w+)'\s*:"))
            {
                variables.Should().Contain(key.Groups["key"].Value, $"{name} passes it to {target}");
            }
        }
    }

    [Test]
    public void ScriptReference_Library_LinksTheOverviewScripts()
    {
        var targets = ScriptLibrary.Embedded.List()
            .SelectMany(s => ScriptReferenceRegex().Matches(s.Pxl).Select(m => m.Groups["target"].Value))
            .ToHashSet();
        targets.Should().Contain(["px/namespace", "px/node", "px/pod", "px/service"]);
    }

    internal static Script Get(string name)
    {
        ScriptLibrary.Embedded.TryGet(name, out var script).Should().BeTrue();
        return script;
    }

    /// <summary>The result tables a script's vis.json promises: each global function's output and each widget with its own function.</summary>
    internal static IEnumerable<string> OutputNames(Script script)
    {
        var vis = VisSpec.Parse(script.VisJson!);
        return vis.GlobalFuncs.Select(g => g.OutputName).Concat(vis.Widgets.Where(w => w.Func is not null).Select(w => w.Name)).ToList();
    }

    [GeneratedRegex(@"script_reference\([^,]+,\s*'(?<target>[^']+)'\s*,\s*\{(?<args>[^}]*)\}")]
    private static partial Regex ScriptReferenceRegex();
}
