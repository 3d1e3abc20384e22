namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>An AST node; every node knows its 1-based line and column.</summary>
public abstract record Node(int Line, int Column);

/// <summary>A parsed script: statements plus the <c>#px:set</c> flags.</summary>
public sealed record Module(IReadOnlyList<Stmt> Body, IReadOnlyDictionary<string, string> Flags) : Node(1, 1);

public abstract record Expr(int Line, int Column) : Node(Line, Column);

public sealed record NameExpr(string Id, int Line, int Column) : Expr(Line, Column);

/// <summary>A literal: long, double, string, bool or null (None).</summary>
public sealed record ConstantExpr(object? Value, int Line, int Column) : Expr(Line, Column);

public sealed record AttributeExpr(Expr Target, string Name, int Line, int Column) : Expr(Line, Column);

public sealed record SubscriptExpr(Expr Target, Expr Index, int Line, int Column) : Expr(Line, Column);

public sealed record KeywordArg(string Name, Expr Value, int Line, int Column) : Node(Line, Column);

public sealed record CallExpr(Expr Function, IReadOnlyList<Expr> Args, IReadOnlyList<KeywordArg> Keywords, int Line, int Column)
    : Expr(Line, Column);

public sealed record ListExpr(IReadOnlyList<Expr> Items, int Line, int Column) : Expr(Line, Column);

public sealed record TupleExpr(IReadOnlyList<Expr> Items, int Line, int Column) : Expr(Line, Column);

public sealed record DictExpr(IReadOnlyList<Expr> Keys, IReadOnlyList<Expr> Values, int Line, int Column) : Expr(Line, Column);

/// <summary>Unary <c>-</c>, <c>+</c>, <c>~</c> or <c>not</c>.</summary>
public sealed record UnaryExpr(string Op, Expr Operand, int Line, int Column) : Expr(Line, Column);

/// <summary>Arithmetic and bitwise operators: + - * / // % ** &amp; | ^.</summary>
public sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary>One comparison (chains are parsed as <c>a &lt; b and b &lt; c</c>): == != &lt; &lt;= &gt; &gt;= in, not in.</summary>
public sealed record CompareExpr(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary><c>and</c> / <c>or</c>.</summary>
public sealed record BoolOpExpr(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary><c>a if cond else b</c>.</summary>
public sealed record ConditionalExpr(Expr Test, Expr Body, Expr OrElse, int Line, int Column) : Expr(Line, Column);

public abstract record Stmt(int Line, int Column) : Node(Line, Column);

/// <summary><c>import px</c> or <c>import a.b as c</c>.</summary>
public sealed record ImportStmt(string Module, string? Alias, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>from m import a, b as c</c>.</summary>
public sealed record FromImportStmt(string Module, IReadOnlyList<(string Name, string? Alias)> Names, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>target = value</c>; the target is a name, an attribute (<c>df.col</c>) or a subscript (<c>df['col']</c>).</summary>
public sealed record AssignStmt(Expr Target, Expr Value, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>target op= value</c>.</summary>
public sealed record AugAssignStmt(Expr Target, string Op, Expr Value, int Line, int Column) : Stmt(Line, Column);

public sealed record ExprStmt(Expr Value, int Line, int Column) : Stmt(Line, Column);

public sealed record ReturnStmt(Expr? Value, int Line, int Column) : Stmt(Line, Column);

public sealed record PassStmt(int Line, int Column) : Stmt(Line, Column);

public sealed record IfStmt(Expr Test, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt> OrElse, int Line, int Column) : Stmt(Line, Column);

/// <summary>One function parameter: <c>name: annotation = default</c>.</summary>
public sealed record Parameter(string Name, Expr? Annotation, Expr? Default, int Line, int Column) : Node(Line, Column);

public sealed record FunctionDef(string Name, IReadOnlyList<Parameter> Parameters, Expr? Returns, IReadOnlyList<Stmt> Body, string? Docstring, int Line, int Column)
    : Stmt(Line, Column);
