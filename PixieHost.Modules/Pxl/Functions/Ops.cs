using System.Numerics;

namespace PixieHost.Modules.Pxl.Functions;

// Many tiny op structs live together on purpose: each is one line and only meaningful next to the others.
public struct AddOp<T> : IBinaryOp<T, T> where T : INumber<T> { public static T Apply(T a, T b) => a + b; }

public struct SubOp<T> : IBinaryOp<T, T> where T : INumber<T> { public static T Apply(T a, T b) => a - b; }

public struct MulOp<T> : IBinaryOp<T, T> where T : INumber<T> { public static T Apply(T a, T b) => a * b; }

public struct DivOp : IBinaryOp<double, double> { public static double Apply(double a, double b) => a / b; }

/// <summary>Integer modulo; x % 0 is 0 instead of a crash of the whole query.</summary>
public struct ModOp : IBinaryOp<long, long> { public static long Apply(long a, long b) => b == 0 ? 0 : a % b; }

/// <summary>Python floor division on integers; x // 0 is 0.</summary>
public struct FloorDivOp : IBinaryOp<long, long>
{
    public static long Apply(long a, long b)
    {
        if (b == 0)
        {
            return 0;
        }

        var q = a / b;
        return a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q;
    }
}

/// <summary>px.bin: rounds down to a multiple of the window.</summary>
public struct BinOp : IBinaryOp<long, long> { public static long Apply(long a, long b) => b <= 0 ? a : a - (((a % b) + b) % b); }

public struct EqOp<T> : IBinaryOp<T, bool> where T : IEqualityOperators<T, T, bool> { public static bool Apply(T a, T b) => a == b; }

public struct NeOp<T> : IBinaryOp<T, bool> where T : IEqualityOperators<T, T, bool> { public static bool Apply(T a, T b) => a != b; }

public struct LtOp<T> : IBinaryOp<T, bool> where T : IComparisonOperators<T, T, bool> { public static bool Apply(T a, T b) => a < b; }

public struct LeOp<T> : IBinaryOp<T, bool> where T : IComparisonOperators<T, T, bool> { public static bool Apply(T a, T b) => a <= b; }

public struct GtOp<T> : IBinaryOp<T, bool> where T : IComparisonOperators<T, T, bool> { public static bool Apply(T a, T b) => a > b; }

public struct GeOp<T> : IBinaryOp<T, bool> where T : IComparisonOperators<T, T, bool> { public static bool Apply(T a, T b) => a >= b; }

public struct BoolEqOp : IBinaryOp<bool, bool> { public static bool Apply(bool a, bool b) => a == b; }

public struct BoolNeOp : IBinaryOp<bool, bool> { public static bool Apply(bool a, bool b) => a != b; }

public struct AndOp : IBinaryOp<bool, bool> { public static bool Apply(bool a, bool b) => a & b; }

public struct OrOp : IBinaryOp<bool, bool> { public static bool Apply(bool a, bool b) => a | b; }

public struct NotOp : IUnaryOp<bool, bool> { public static bool Apply(bool a) => !a; }

public struct NegOp<T> : IUnaryOp<T, T> where T : INumber<T> { public static T Apply(T a) => -a; }

public struct FloorOp : IUnaryOp<double, long> { public static long Apply(double a) => (long)Math.Floor(a); }

public struct ToFloatOp : IUnaryOp<double, double> { public static double Apply(double a) => a; }

public struct UpidToPidOp : IUnaryOp<UInt128, long> { public static long Apply(UInt128 a) => (long)(uint)(ulong)(a >> 64); }

/// <summary>Turns a three-way comparison result into the boolean an operator wants (strings compare as UTF-8 bytes).</summary>
public interface ICompareTest
{
    static abstract bool Test(int cmp);
}

public struct CmpEq : ICompareTest { public static bool Test(int cmp) => cmp == 0; }

public struct CmpNe : ICompareTest { public static bool Test(int cmp) => cmp != 0; }

public struct CmpLt : ICompareTest { public static bool Test(int cmp) => cmp < 0; }

public struct CmpLe : ICompareTest { public static bool Test(int cmp) => cmp <= 0; }

public struct CmpGt : ICompareTest { public static bool Test(int cmp) => cmp > 0; }

public struct CmpGe : ICompareTest { public static bool Test(int cmp) => cmp >= 0; }

public struct AbsOp<T> : IUnaryOp<T, T> where T : INumber<T> { public static T Apply(T a) => T.Abs(a); }

public struct SqrtOp : IUnaryOp<double, double> { public static double Apply(double a) => Math.Sqrt(a); }

public struct LnOp : IUnaryOp<double, double> { public static double Apply(double a) => Math.Log(a); }

public struct Log2Op : IUnaryOp<double, double> { public static double Apply(double a) => Math.Log2(a); }

public struct Log10Op : IUnaryOp<double, double> { public static double Apply(double a) => Math.Log10(a); }

public struct ExpOp : IUnaryOp<double, double> { public static double Apply(double a) => Math.Exp(a); }

public struct CeilOp : IUnaryOp<double, long> { public static long Apply(double a) => (long)Math.Ceiling(a); }

public struct PowOp : IBinaryOp<double, double> { public static double Apply(double a, double b) => Math.Pow(a, b); }

public struct LogOp : IBinaryOp<double, double> { public static double Apply(double a, double b) => Math.Log(b, a); }

/// <summary>px.round(x, decimals) rounds half away from zero, like C's round used by Pixie.</summary>
public struct RoundOp : IBinaryOp<double, double> { public static double Apply(double a, double b) => Math.Round(a, (int)Math.Clamp(b, 0, 15), MidpointRounding.AwayFromZero); }
