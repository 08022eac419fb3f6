using System.Text;

namespace Truceline.Common;

public sealed class CsvFormatException(string message, long line) : Exception(message)
{
    public long Line { get; } = line;
}

/// <summary>
/// A strict, streaming RFC 4180 reader: comma-separated, CRLF or LF, fields quoted with "" as the escape.
/// Broken quoting (a quote inside an unquoted field, text after a closing quote, a file ending inside quotes)
/// is an error naming the line, never a guess; fields and records are bounded.
/// </summary>
public sealed class CsvReader(TextReader reader, int maxFieldLength = 100_000, int maxFields = 500)
{
    private long _line = 1;

    /// <summary>The line on which the last record returned started.</summary>
    public long Line { get; private set; }

    /// <summary>The next record, or null at the end. Synchronous on purpose: the reader buffers, and an await per character would cost more than the parsing.</summary>
    public List<string>? Read()
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        Line = _line;
        var quoted = false;
        var afterQuote = false;
        var any = false;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                if (quoted)
                {
                    throw new CsvFormatException("the file ends inside a quoted field (a closing \" is missing)", Line);
                }
                if (!any)
                {
                    return null;
                }
                fields.Add(field.ToString());
                return fields;
            }
            any = true;
            var c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }
                    Append(field, c);
                }
                continue;
            }
            switch (c)
            {
                case ',':
                    Add(fields, field);
                    afterQuote = false;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n' or '\r':
                    _line++;
                    fields.Add(field.ToString());
                    return fields;
                case '"' when field.Length == 0 && !afterQuote:
                    quoted = true;
                    break;
                case '"':
                    throw new CsvFormatException("a quote inside an unquoted field (quote the whole field and double the quote)", _line);
                default:
                    if (afterQuote)
                    {
                        throw new CsvFormatException("text after a closing quote (only a comma or the end of the line may follow)", _line);
                    }
                    Append(field, c);
                    break;
            }
        }
    }

    private void Add(List<string> fields, StringBuilder field)
    {
        if (fields.Count >= maxFields)
        {
            throw new CsvFormatException($"more than {maxFields} fields in one record", Line);
        }
        fields.Add(field.ToString());
        field.Clear();
    }

    private void Append(StringBuilder field, char c)
    {
        if (field.Length >= maxFieldLength)
        {
            throw new CsvFormatException($"a field longer than {maxFieldLength} characters", Line);
        }
        field.Append(c);
    }
}
