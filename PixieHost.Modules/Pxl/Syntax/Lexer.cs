using System.Globalization;
using System.Text;

namespace PixieHost.Modules.Pxl.Syntax;

/// <summary>
/// Turns PxL text into tokens the way Python does: INDENT/DEDENT from leading whitespace, newlines ignored inside
/// brackets and after a backslash, comments dropped. <c>#px:set key=value</c> comments are collected as query flags.
/// </summary>
public sealed class Lexer
{
    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "**", "//", "==", "!=", "<=", ">=", "->", "<<", ">>", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "~", "&", "|",
        "^", "@", ";",
    ];

    private readonly SourceText _source;
    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private readonly Stack<int> _indents = new();
    private readonly Stack<Token> _brackets = new();
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Lexer(SourceText source)
    {
        _source = source;
        _text = source.Text.Replace("\r\n", "\n");
        _indents.Push(0);
    }

    /// <summary>Query flags from <c>#px:set key=value</c> comments, in order of appearance.</summary>
    public Dictionary<string, string> Flags { get; } = new(StringComparer.Ordinal);

    public static List<Token> Tokenize(string text) => new Lexer(new SourceText(text)).Tokenize();

    public List<Token> Tokenize()
    {
        var atLineStart = true;
        while (_pos < _text.Length)
        {
            if (atLineStart && _brackets.Count == 0)
            {
                if (ReadIndentation())
                {
                    continue;
                }

                atLineStart = false;
            }

            var c = _text[_pos];
            if (c == '\n')
            {
                if (_brackets.Count == 0)
                {
                    Add(TokenKind.Newline, "\n", Col(_pos));
                    atLineStart = true;
                }

                NextLine();
            }
            else if (c is ' ' or '\t' or '\f')
            {
                _pos++;
            }
            else if (c == '#')
            {
                ReadComment();
            }
            else if (c == '\\' && _pos + 1 < _text.Length && _text[_pos + 1] == '\n')
            {
                _pos++;
                NextLine();
            }
            else if (IsStringStart(_pos, out var prefix))
            {
                ReadString(prefix);
            }
            else if (char.IsDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsDigit(_text[_pos + 1])))
            {
                ReadNumber();
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = _pos;
                while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
                {
                    _pos++;
                }

                Add(TokenKind.Name, _text[start.._pos], Col(start));
            }
            else
            {
                ReadOperator();
            }
        }

        if (_brackets.Count > 0)
        {
            var open = _brackets.Peek();
            throw _source.Error($"'{open.Text}' was never closed", open.Line, open.Column);
        }

        if (_tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Dedent))
        {
            Add(TokenKind.Newline, "\n", Col(_pos));
        }

        while (_indents.Count > 1)
        {
            _indents.Pop();
            Add(TokenKind.Dedent, string.Empty, Col(_pos));
        }

        Add(TokenKind.EndOfFile, string.Empty, Col(_pos));
        return _tokens;
    }

    private int Col(int pos) => pos - _lineStart + 1;

    private void Add(TokenKind kind, string text, int col) => _tokens.Add(new Token(kind, text, _line, col));

    private void NextLine()
    {
        _pos++;
        _line++;
        _lineStart = _pos;
    }

    /// <summary>Measures the indentation of a line; returns true when the line is blank or only a comment (skipped).</summary>
    private bool ReadIndentation()
    {
        var width = 0;
        while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\f')
        {
            width = _text[_pos] == '\t' ? (width / 8 + 1) * 8 : width + 1;
            _pos++;
        }

        if (_pos >= _text.Length)
        {
            return true;
        }

        if (_text[_pos] == '#')
        {
            ReadComment();
        }

        if (_pos >= _text.Length)
        {
            return true;
        }

        if (_text[_pos] == '\n')
        {
            NextLine();
            return true;
        }

        if (width > _indents.Peek())
        {
            if (_tokens.Count == 0 || _tokens[^1].Kind != TokenKind.Newline || !EndsBlockHeader())
            {
                throw _source.Error("unexpected indent", _line, Col(_pos));
            }

            _indents.Push(width);
            Add(TokenKind.Indent, string.Empty, Col(_pos));
        }
        else if (width < _indents.Peek())
        {
            while (width < _indents.Peek())
            {
                _indents.Pop();
                Add(TokenKind.Dedent, string.Empty, Col(_pos));
            }

            if (width != _indents.Peek())
            {
                throw _source.Error("unindent does not match any outer indentation level", _line, Col(_pos));
            }
        }
        else if (_tokens.Count >= 2 && _tokens[^1].Kind == TokenKind.Newline && _tokens[^2].IsOp(":"))
        {
            throw _source.Error("expected an indented block", _line, Col(_pos));
        }

        return false;
    }

    /// <summary>True when the previous logical line ended with ':' (a def/if header), the only place an indent may start.</summary>
    private bool EndsBlockHeader() => _tokens.Count >= 2 && _tokens[^2].IsOp(":");

    private void ReadComment()
    {
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] != '\n')
        {
            _pos++;
        }

        var comment = _text[start.._pos];
        const string SetPrefix = "#px:set";
        if (!comment.StartsWith(SetPrefix, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var part in comment[SetPrefix.Length..].Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                throw _source.Error($"malformed query flag '{part}'; expected #px:set key=value", _line, Col(start));
            }

            Flags[part[..eq]] = part[(eq + 1)..];
        }
    }

    private bool IsStringStart(int p, out string prefix)
    {
        prefix = string.Empty;
        var q = p;
        while (q < _text.Length && q - p < 2 && _text[q] is 'r' or 'R' or 'b' or 'B' or 'u' or 'U' or 'f' or 'F')
        {
            q++;
        }

        if (q < _text.Length && _text[q] is '\'' or '"')
        {
            prefix = _text[p..q].ToLowerInvariant();
            return true;
        }

        return false;
    }

    private void ReadString(string prefix)
    {
        var startCol = Col(_pos);
        var startLine = _line;
        if (prefix.Contains('f'))
        {
            throw _source.Error("f-strings are not supported in PxL", startLine, startCol);
        }

        _pos += prefix.Length;
        var quote = _text[_pos];
        var triple = _pos + 2 < _text.Length && _text[_pos + 1] == quote && _text[_pos + 2] == quote;
        _pos += triple ? 3 : 1;
        var raw = prefix.Contains('r');
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || (!triple && _text[_pos] == '\n'))
            {
                throw _source.Error(triple ? "unterminated triple-quoted string" : "unterminated string", startLine, startCol);
            }

            var c = _text[_pos];
            if (c == quote && (!triple || (_pos + 2 < _text.Length && _text[_pos + 1] == quote && _text[_pos + 2] == quote)))
            {
                _pos += triple ? 3 : 1;
                break;
            }

            if (c == '\\' && _pos + 1 < _text.Length)
            {
                if (raw)
                {
                    sb.Append(c).Append(_text[_pos + 1]);
                    _pos += 2;
                }
                else
                {
                    ReadEscape(sb);
                }

                continue;
            }

            if (c == '\n')
            {
                sb.Append(c);
                NextLine();
                continue;
            }

            sb.Append(c);
            _pos++;
        }

        _tokens.Add(new Token(TokenKind.String, sb.ToString(), startLine, startCol));
    }

    private void ReadEscape(StringBuilder sb)
    {
        var e = _text[_pos + 1];
        _pos += 2;
        switch (e)
        {
            case 'n': sb.Append('\n'); break;
            case 't': sb.Append('\t'); break;
            case 'r': sb.Append('\r'); break;
            case '0': sb.Append('\0'); break;
            case '\\': sb.Append('\\'); break;
            case '\'': sb.Append('\''); break;
            case '"': sb.Append('"'); break;
            case '\n': _pos--; NextLine(); break;
            case 'x' when _pos + 2 <= _text.Length && int.TryParse(_text.AsSpan(_pos, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var x):
                sb.Append((char)x);
                _pos += 2;
                break;
            case 'u' when _pos + 4 <= _text.Length && int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var u):
                sb.Append((char)u);
                _pos += 4;
                break;
            default: sb.Append('\\').Append(e); break;
        }
    }

    private void ReadNumber()
    {
        var start = _pos;
        if (_text[_pos] == '0' && _pos + 1 < _text.Length && _text[_pos + 1] is 'x' or 'X')
        {
            _pos += 2;
            while (_pos < _text.Length && (Uri.IsHexDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            var hex = _text[(start + 2).._pos].Replace("_", string.Empty);
            if (!long.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h))
            {
                throw _source.Error("invalid hexadecimal literal", _line, Col(start));
            }

            Add(TokenKind.Int, h.ToString(CultureInfo.InvariantCulture), Col(start));
            return;
        }

        var isFloat = false;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsDigit(c) || c == '_')
            {
                _pos++;
            }
            else if (c == '.' && !isFloat)
            {
                isFloat = true;
                _pos++;
            }
            else if (c is 'e' or 'E')
            {
                isFloat = true;
                _pos++;
                if (_pos < _text.Length && _text[_pos] is '+' or '-')
                {
                    _pos++;
                }
            }
            else
            {
                break;
            }
        }

        var text = _text[start.._pos].Replace("_", string.Empty);
        var valid = isFloat
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        if (!valid)
        {
            throw _source.Error(isFloat ? $"invalid number '{text}'" : $"integer '{text}' does not fit in 64 bits", _line, Col(start));
        }

        Add(isFloat ? TokenKind.Float : TokenKind.Int, text, Col(start));
    }

    private void ReadOperator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) != 0)
            {
                continue;
            }

            var token = new Token(TokenKind.Operator, op, _line, Col(_pos));
            if (op is "(" or "[" or "{")
            {
                _brackets.Push(token);
            }
            else if (op is ")" or "]" or "}")
            {
                if (_brackets.Count == 0 || !Matches(_brackets.Peek().Text, op))
                {
                    throw _source.Error(_brackets.Count == 0
                        ? $"unmatched '{op}'"
                        : $"closing '{op}' does not match '{_brackets.Peek().Text}' at line {_brackets.Peek().Line}, col {_brackets.Peek().Column}", _line, Col(_pos));
                }

                _brackets.Pop();
            }

            _tokens.Add(token);
            _pos += op.Length;
            return;
        }

        throw _source.Error($"unexpected character '{_text[_pos]}'", _line, Col(_pos));
    }

    private static bool Matches(string open, string close) =>
        (open, close) is ("(", ")") or ("[", "]") or ("{", "}");
}
