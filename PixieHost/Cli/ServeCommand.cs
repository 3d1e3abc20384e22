using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PixieHost.Modules.Hosting;

namespace PixieHost.Cli;

/// <summary>`pixie serve [--role r1,r2] [--config f.json] [--set Key=Value]...`: the role host.</summary>
public static class ServeCommand
{
    public static Command Create(IReadOnlyDictionary<string, PixieModule[]> roles, IReadOnlyList<PixieModule> standalone)
    {
        var role = new Option<string[]>("--role", "-r")
        {
            Description = $"Roles to host, comma separated or repeated ({string.Join(", ", roles.Keys)}). None: standalone, every role in one process.",
            AllowMultipleArgumentsPerToken = true,
        };
        var config = new Option<string?>("--config", "-c") { Description = "JSON configuration file (same keys as --set)." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one setting, e.g. --set TableStore:DataLimitMb=512 --set Pem:SocketTracer=false.",
        };
        var cmd = new Command("serve", "Run pixie: the collector (pem) and the query API, or the roles given.") { role, config, set };
        cmd.SetAction(async (parse, ct) =>
        {
            var selected = (parse.GetValue(role) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            WebApplication app;
            try
            {
                app = RoleHost.Build(new ServeSettings(selected, parse.GetValue(config), parse.GetValue(set) ?? []), roles, standalone);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or FileNotFoundException)
            {
                await Console.Error.WriteLineAsync($"pixie: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OptionsValidationException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"pixie: cannot start: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine($"pixie {(selected.Count == 0 ? "standalone" : string.Join(",", selected))} is running (pid {Environment.ProcessId}).");
            foreach (var line in app.Services.GetServices<IListenerDescription>().Select(d => d.Describe()))
            {
                Console.WriteLine(line);
            }

            var status = app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.StatusAddress;
            Console.WriteLine($"status (HTTP/1.1):    http://{status}/statusz  (health: /healthz)");
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
