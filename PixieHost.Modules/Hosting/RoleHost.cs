using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PixieHost.Modules.Hosting;

/// <summary>What `pixie serve` was asked for: the roles, an optional JSON config file, and Key=Value overrides.</summary>
public sealed record ServeSettings(IReadOnlyList<string> Roles, string? ConfigFile, IReadOnlyList<string> Overrides);

/// <summary>Builds one web application hosting the modules of the requested roles.</summary>
public static class RoleHost
{
    /// <summary>
    /// Resolves roles through <paramref name="roleTable"/> (none = <paramref name="standalone"/>: every role's work in
    /// one process, wired in process), de-duplicates modules, layers configuration (embedded defaults, the config
    /// file, PIXIE_* environment variables, overrides) and lets each module register itself.
    /// </summary>
    public static WebApplication Build(ServeSettings settings, IReadOnlyDictionary<string, PixieModule[]> roleTable, IReadOnlyList<PixieModule> standalone)
    {
        var roles = settings.Roles.Count == 0 ? ["standalone"] : settings.Roles.ToList();
        var unknown = settings.Roles.Where(r => !roleTable.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown role '{unknown[0]}'. Roles: {string.Join(", ", roleTable.Keys)}; give none to run them all (standalone).");
        }

        var modules = (settings.Roles.Count == 0 ? standalone : settings.Roles.SelectMany(r => roleTable[r])).DistinctBy(m => m.Name).ToList();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        if (settings.ConfigFile is { } file)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"Config file '{file}' does not exist. Pass an existing JSON file to --config.");
            }

            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("PIXIE_");
        builder.Configuration.AddInMemoryCollection(ParseOverrides(settings.Overrides));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // --set Logging:LogLevel:Default=Debug (or a category, e.g. Logging:LogLevel:PixieHost.Modules.Kelvin=Debug).
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section).ValidateOnStart();
        builder.Services.AddRouting();
        builder.Services.AddSingleton<IStatusSource, RuntimeStatus>();

        var hosting = builder.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        var status = ListenAddress.Parse(hosting.StatusAddress, "Hosting:StatusAddress");
        builder.WebHost.ConfigureKestrel(k => k.Listen(status, l => l.Protocols = HttpProtocols.Http1));

        foreach (var m in modules)
        {
            m.Add(builder);
        }

        var app = builder.Build();
        app.MapStatus(roles);
        foreach (var m in modules)
        {
            m.Map?.Invoke(app);
        }

        return app;
    }

    private static IEnumerable<KeyValuePair<string, string?>> ParseOverrides(IEnumerable<string> overrides)
    {
        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"--set '{o}' is not Key=Value. Example: --set TableStore:DataLimitMb=512");
            }

            yield return new(o[..eq].Trim(), o[(eq + 1)..].Trim());
        }
    }
}
