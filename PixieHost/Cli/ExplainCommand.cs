using System.CommandLine;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Pxl.Compiler;

namespace PixieHost.Cli;

/// <summary>
/// `pixie explain px/NAME | -f FILE|DIR [-- args]`: compiles locally against the PEM's table schemas and prints the
/// plan; for a library script or a script directory, the plan of the functions its vis.json names.
/// </summary>
public static class ExplainCommand
{
    public static Command Create(IReadOnlyList<string> scriptArgs)
    {
        var name = new Argument<string?>("script") { Description = "Library script, e.g. px/http_data.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Explain this .pxl file, or this script directory (one .pxl, vis.json, manifest.yaml), instead." };
        var cmd = new Command("explain", "Print the logical and physical plan of a PxL script without running it.") { name, file };
        cmd.SetAction(parse =>
        {
            if (!ScriptSource.TryResolve(parse.GetValue(name), parse.GetValue(file), out var source, out var error))
            {
                Console.Error.WriteLine($"pixie explain: {error}");
                return 2;
            }

            var store = new Modules.TableStore.TableStore();
            foreach (var schema in PemSchemas.All)
            {
                store.GetOrAdd(schema);
            }

            try
            {
                var args = ScriptSource.ParseArgs(scriptArgs);
                if (source.Vis is not null && !VisCalls.TryCheckArgs(VisSpec.Parse(source.Vis), args, out var argError))
                {
                    Console.Error.WriteLine($"pixie explain: {argError}");
                    return 2;
                }

                var executor = new QueryExecutor(store);
                Console.Write(DistributedQueryExecutor.Explain(executor, new QueryRequest(source.Pxl, args, source.Name) { Vis = source.Vis }));
                return 0;
            }
            catch (PxlCompileException ex)
            {
                ResultPrinter.PrintError(ex, Console.Error, source.Pxl);
                return 1;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"pixie explain: {ex.Message}");
                return 2;
            }
        });
        return cmd;
    }
}
