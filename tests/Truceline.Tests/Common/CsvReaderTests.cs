using Truceline.Common;

namespace Truceline.Tests.Common;

public sealed class CsvReaderTests
{
    private static List<List<string>> ReadAll(string text)
    {
        var reader = new CsvReader(new StringReader(text));
        var records = new List<List<string>>();
        while (reader.Read() is { } r)
        {
            records.Add(r);
        }
        return records;
    }

    [Fact]
    public void QuotedFieldsMayHoldCommasQuotesAndLineBreaks()
    {
        var records = ReadAll("a,b,c\r\n\"1,5\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\n");
        Assert.Equal(["a", "b", "c"], records[0]);
        Assert.Equal(["1,5", "say \"hi\"", "two\nlines"], records[1]);
        Assert.Equal(["", "", ""], records[2]);
        Assert.Equal(3, records.Count);
    }

    [Fact]
    public void TheLastRecordNeedsNoLineBreak() => Assert.Equal(["x", "y"], ReadAll("x,y")[0]);

    [Theory]
    [InlineData("a,b\"c,d\n", "a quote inside an unquoted field", 1)]
    [InlineData("a,\"b\"c,d\n", "text after a closing quote", 1)]
    [InlineData("h\na,\"never closed,d\nmore\n", "ends inside a quoted field", 2)]
    public void BrokenQuotingIsAnErrorNamingTheLine(string text, string message, long line)
    {
        var e = Assert.Throws<CsvFormatException>(() => ReadAll(text));
        Assert.Contains(message, e.Message);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void FieldsAndRecordsAreBounded()
    {
        Assert.Contains("longer than 10", Assert.Throws<CsvFormatException>(() => new CsvReader(new StringReader(new string('x', 11)), maxFieldLength: 10).Read()).Message);
        Assert.Contains("more than 3 fields", Assert.Throws<CsvFormatException>(() => new CsvReader(new StringReader("1,2,3,4,5"), maxFields: 3).Read()).Message);
    }
}
