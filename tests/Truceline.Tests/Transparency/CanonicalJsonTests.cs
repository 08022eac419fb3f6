using System.Text.Json.Nodes;
using Truceline.Transparency;

namespace Truceline.Tests.Transparency;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void MembersAreSortedByUtf16CodeUnitsWithNoWhitespace()
    {
        // RFC 8785 §3.2.3's own example of sorting: by UTF-16 code units, so the emoji (a surrogate pair, 0xD83D…)
        // sorts before U+20AC, though its code point is larger.
        var node = JsonNode.Parse("""{ "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" }""");
        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            CanonicalJson.Serialize(node));
    }

    [Fact]
    public void StringsAreEscapedOnlyWhereJsonRequires()
    {
        var node = new JsonObject { ["s"] = "quote \" backslash \\ slash / tab \t unit \u001f line \u2028 arabic غزة hebrew עזה" };
        Assert.Equal("{\"s\":\"quote \\\" backslash \\\\ slash / tab \\t unit \\u001f line \u2028 arabic غزة hebrew עזה\"}", CanonicalJson.Serialize(node));
    }

    [Fact]
    public void NestedValuesIntegersBooleansAndNullKeepTheirOrder()
    {
        var node = JsonNode.Parse("""{"b":[3,1,{"z":null,"a":true}],"a":-42}""");
        Assert.Equal("""{"a":-42,"b":[3,1,{"a":true,"z":null}]}""", CanonicalJson.Serialize(node));
        // Built in code rather than parsed: an int and the largest integer every reader holds exactly.
        Assert.Equal("""{"m":9007199254740991,"n":7}""", CanonicalJson.Serialize(new JsonObject { ["n"] = 7, ["m"] = 9007199254740991L }));
        // One more would be read back as another number by a reader that holds numbers as doubles (as RFC 8785 does).
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new JsonObject { ["m"] = 9007199254740993L }));
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new JsonObject { ["s"] = "lone \ud800 surrogate" }));
    }

    [Theory]
    [InlineData("""{"amount":1.5}""")]
    [InlineData("""{"amount":1e3}""")]
    public void NumbersWithFractionsOrExponentsAreRefusedRatherThanHashedAmbiguously(string json) =>
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(JsonNode.Parse(json)));

    [Theory]
    [InlineData("""{"a":1,"b":2}""", true)]
    [InlineData("""{"b":2,"a":1}""", false)]
    [InlineData("""{"a": 1}""", false)]
    [InlineData("""{"a":"\u0041"}""", false)]
    [InlineData("not json", false)]
    public void IsCanonicalTellsTheOneFormFromEveryOther(string text, bool canonical) =>
        Assert.Equal(canonical, CanonicalJson.IsCanonical(text));
}
