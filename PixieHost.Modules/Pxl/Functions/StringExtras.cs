using System.Text;
using System.Text.RegularExpressions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.strip_prefix(prefix, s), px.replace(pattern, s, substitution) (regex) and px.hex_to_ascii(s).</summary>
public static partial class StringExtras
{
    public static void Register(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("strip_prefix").Add([DataType.String, DataType.String], DataType.String, StripPrefix));
        r.Register(new ScalarFunction("replace").Add([DataType.String, DataType.String, DataType.String], DataType.String, Replace));
        r.Register(new ScalarFunction("hex_to_ascii").Add([DataType.String], DataType.String, HexToAscii));
    }

    public static Column StripPrefix(ReadOnlySpan<Datum> args, int n)
    {
        var prefixes = args[0].IsScalar ? null : (StringColumn)args[0].Column!;
        var constant = args[0].IsScalar ? args[0].Scalar.Utf8 : null;
        var s = (StringColumn)args[1].ToColumn(n);
        var b = new StringColumnBuilder(n, s.Data.Length);
        for (var i = 0; i < n; i++)
        {
            var v = s.GetSpan(i);
            var p = prefixes is null ? constant : prefixes.GetSpan(i);
            b.Append(v.StartsWith(p) ? v[p.Length..] : v);
        }

        return b.Build();
    }

    /// <summary>Every match of the pattern replaced (RE2 syntax as far as .NET shares it; \1 back-references become $1).</summary>
    public static Column Replace(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[1].ToColumn(n);
        var b = new StringColumnBuilder(n, s.Data.Length);
        Regex? constant = args[0].IsScalar ? Compile(args[0].Scalar.String!) : null;
        var patterns = args[0].IsScalar ? null : (StringColumn)args[0].Column!;
        var subs = (StringColumn)args[2].ToColumn(n);
        for (var i = 0; i < n; i++)
        {
            var regex = patterns is null ? constant : Compile(patterns.GetString(i));
            var text = Encoding.UTF8.GetString(s.GetSpan(i));
            b.Append(regex is null ? text : ReplaceAll(regex, text, subs.GetString(i)));
        }

        return b.Build();
    }

    /// <summary>Pairs of hex digits to bytes ("48656c6c6f" → "Hello"); "" when the input is not hex.</summary>
    public static Column HexToAscii(ReadOnlySpan<Datum> args, int n)
    {
        var s = (StringColumn)args[0].ToColumn(n);
        var b = new StringColumnBuilder(n, s.Data.Length / 2 + 4);
        for (var i = 0; i < n; i++)
        {
            var hex = s.GetSpan(i);
            var dst = b.BeginAppend(hex.Length / 2);
            var ok = hex.Length % 2 == 0;
            for (var k = 0; ok && k < hex.Length; k += 2)
            {
                var hi = Nibble(hex[k]);
                var lo = Nibble(hex[k + 1]);
                ok = hi >= 0 && lo >= 0;
                dst[k / 2] = (byte)((hi << 4) | lo);
            }

            b.CommitWritten(ok ? hex.Length / 2 : 0);
        }

        return b.Build();
    }

    private static int Nibble(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string ReplaceAll(Regex regex, string text, string substitution)
    {
        try
        {
            // A literal '$' stays literal; RE2's \1 becomes .NET's ${1}.
            return regex.Replace(text, Re2Substitution().Replace(substitution.Replace("$", "$$", StringComparison.Ordinal), "$${$1}"));
        }
        catch (RegexMatchTimeoutException)
        {
            return text;
        }
    }

    private static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\\(\d)")]
    private static partial Regex Re2Substitution();
}
