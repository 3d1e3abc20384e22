using System.CommandLine;
using PixieHost.Modules.Pem;
using PixieHost.Modules.Pxl;

namespace PixieHost.Cli;

/// <summary>`pixie explain px/NAME | -f FILE [-- args]`: compiles locally against the PEM's table schemas and prints the plan.</summary>
public static class ExplainCommand
{
    public static Command Create(IReadOnlyList<string> scriptArgs)
    {
        var name = new Argument<string?>("script") { Description = "Library script, e.g. px/http_data.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Explain the PxL script in this file instead." };
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
                var executor = new QueryExecutor(store);
                Console.Write(executor.Explain(new QueryRequest(source.Pxl, ScriptSource.ParseArgs(scriptArgs), source.Name)));
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
