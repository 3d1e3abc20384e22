using System.CommandLine;
using System.Net.Http;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Compiler;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;

namespace PixieHost.Cli;

/// <summary>
/// `pixie run px/NAME | -f FILE|DIR [--addr host:port] [-o table|json|csv] [-- --arg value ...]`. A script directory
/// (Pixie's layout) runs the functions its vis.json names, sent as <c>exec_funcs</c> the way Pixie's CLI sends them.
/// </summary>
public static class RunCommand
{
    public const string DefaultAddress = "127.0.0.1:50300";

    public static Command Create(IReadOnlyList<string> scriptArgs)
    {
        var name = new Argument<string?>("script") { Description = "Library script, e.g. px/http_data (see `pixie script list`).", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Run this .pxl file, or this script directory (one .pxl, vis.json, manifest.yaml), instead." };
        var addr = new Option<string>("--addr", "-a") { Description = "Query API of a running pixie: host:port (h2c), or https://host:port (TLS).", DefaultValueFactory = _ => DefaultAddress };
        var caFile = new Option<string?>("--ca-file") { Description = "With an https:// --addr: PEM certificate(s) to trust for the server (default: the system's trust store)." };
        var output = new Option<string>("--output", "-o") { Description = "Output format: table, json (one object per row per line, table name under _table) or csv.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "csv");
        var cmd = new Command("run", "Run a PxL script on a running pixie and print its tables. Script arguments go after --, e.g. -- --start_time=-10m.")
        {
            name, file, addr, output, caFile,
        };
        cmd.SetAction(async (parse, ct) =>
        {
            if (!ScriptSource.TryResolve(parse.GetValue(name), parse.GetValue(file), out var source, out var error))
            {
                await Console.Error.WriteLineAsync($"pixie run: {error}").ConfigureAwait(false);
                return 2;
            }

            Dictionary<string, string> args;
            try
            {
                args = ScriptSource.ParseArgs(scriptArgs);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"pixie run: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            var vis = source.Vis is null ? null : VisSpec.Parse(source.Vis);
            if (vis is not null && !VisCalls.TryCheckArgs(vis, args, out var argError))
            {
                await Console.Error.WriteLineAsync($"pixie run: {argError}").ConfigureAwait(false);
                return 2;
            }

            ResultPrinter.TryParseFormat(parse.GetValue(output), out var format);
            var address = parse.GetValue(addr)!;
            try
            {
                using var channel = new RpcTlsOptions { CaFile = parse.GetValue(caFile) ?? string.Empty }.CreateChannel(address);
                using var client = new VizierClient(channel);
                // A library script is known to the server by name (it has the vis.json); a directory's calls travel in the request.
                var result = source.Name is null && vis is not null
                    ? await client.RunAsync(VisCalls.Request(source.Pxl, vis, args), cancellationToken: ct).ConfigureAwait(false)
                    : await client.RunScriptAsync(source.Pxl, args, source.Name, cancellationToken: ct).ConfigureAwait(false);
                ResultPrinter.Print(result, format, Console.Out);
                foreach (var warning in result.Warnings)
                {
                    // On stderr, so -o json and csv stay parseable.
                    await Console.Error.WriteLineAsync($"pixie: warning: {warning}").ConfigureAwait(false);
                }
                return 0;
            }
            catch (PxlCompileException ex)
            {
                ResultPrinter.PrintError(ex, Console.Error, source.Pxl);
                return 1;
            }
            catch (RpcException ex) when (ex.Status == StatusCode.Unavailable)
            {
                await Console.Error.WriteLineAsync(
                    $"pixie run: cannot reach a pixie query API at {address} ({ex.Detail}). Is `pixie serve` running? Start it, or pass --addr host:port.").ConfigureAwait(false);
                return 1;
            }
            catch (RpcException ex)
            {
                ResultPrinter.PrintError(ex, Console.Error, source.Pxl);
                return 1;
            }
        });
        return cmd;
    }
}
