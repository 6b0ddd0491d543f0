using System.Globalization;
using System.Text.Json;
using CsCheck;

namespace ModelRegistry.Dashboard.Tests.Api.Generated;

/// <summary>What exists in the app, so that a share of generated values is valid and requests reach the engine's deeper code.</summary>
public sealed record Catalogue(IReadOnlyList<string> Models, IReadOnlyList<string> Versions, IReadOnlyList<string> Environments);

/// <summary>
/// Generators of hostile values mixed with valid ones: overflowing numbers, min/max dates and offsets, long and
/// control-character strings, wrong JSON types. Values are raw text (query and path) or raw JSON (bodies).
/// </summary>
public sealed class HostileValues(Catalogue catalogue)
{
    /// <summary>Lengths either side of every column limit (63, 64, 200, 1,500, 2,000, 2,048, 4,000, 20,000).</summary>
    private static readonly int[] Lengths = [63, 64, 65, 200, 201, 1500, 1501, 2000, 2001, 2048, 2049, 4000, 4001, 20000, 20001];

    private static readonly Gen<string> Odd = Gen.OneOf(
        "", " ", "\t", "null", "undefined", "0", "-1", "..", "../../etc/passwd", "%", "_", "%_\\", "*", "'; DROP TABLE Models;--",
        "\u0000", "a\u0000b", "\u001b[31mred", "line\r\nbreak", "\u007f", "😀🚀", "\u202eevil", "İıﬀ", "<script>alert(1)</script>",
        "{}", "[]", "1.0.0\n", " 1.0.0", "1.0.0+build", "v1", "999999999999999999999.0.0", "support-chat ", "SUPPORT-CHAT");

    private static readonly Gen<string> Noise = Gen.String[Gen.Char[(char)1, (char)0x2FF], 0, 30];

    private static readonly Gen<string> Long = Gen.Select(Gen.OneOf(Lengths), Gen.OneOf('x', 'é', '\u0001', ' '), (n, c) => new string(c, n));

    public static readonly Gen<string> HostileText = Gen.Frequency<string>((4, Odd), (2, Noise), (2, Long));

    /// <summary>Integers as query text: valid, zero, negative, at and past int and long limits, not numbers at all.</summary>
    public static readonly Gen<string> IntegerText = Gen.Frequency<string>(
        (4, Gen.Int[1, 30].Select(Invariant)),
        (3, Gen.OneOf(0L, -1L, 50L, 200L, 201L, 500L, 501L, 900L, 901L, 86_400L, 86_401L, 20_000_000L, int.MaxValue, int.MinValue, int.MaxValue + 1L, long.MaxValue, long.MinValue).Select(Invariant)),
        (1, Gen.OneOf("abc", "1.5", "1e3", "99999999999999999999999", "-0", "+1", "0x10", " 1", "1 ", "١٢", "", "NaN")));

    /// <summary>Timestamps at the ends of DateTime, with offsets that overflow when converted, and not timestamps at all.</summary>
    public static readonly Gen<string> DateText = Gen.OneOf(
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T00:59:59Z", "0001-01-01", "9999-12-31T23:59:59.9999999Z",
        "9999-12-31T23:59:59-14:00", "9999-12-31", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00", "2026-01-01T00:00:00+05:30", "2025-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "24:00", "now", "-1", "1e10", "");

    private static readonly Gen<string> NumberJson = Gen.Frequency<string>(
        (4, Gen.Double[0, 100].Select(d => Invariant(Math.Round(d, 2)))),
        (2, Gen.OneOf("0", "-1", "-0.0", "1e308", "-1e308", "5e-324", "1e309", "-1e309", "100.0000001", "99999999999999999999999999999")));

    private static readonly Gen<string> WrongType = Gen.OneOf("null", "123", "-1", "\"text\"", "[]", "{}", "true", "[1,\"a\",null]", "{\"a\":{\"b\":[]}}", "1e309");

    private static readonly Gen<string> BrokenJson = Gen.OneOf(
        "{", "{\"name\":", "nul", "[1,2", "\"unterminated", "{\"a\":1}}", "{} trailing", "{'single':'quotes'}", "{\"a\":1,}", "\u00ef\u00bb\u00bf{}",
        new string('[', 200) + new string(']', 200), "{\"a\":" + new string('[', 100) + new string(']', 100) + "}", "", " ", "\u0000");

    private static readonly Gen<string> TopLevelWrongType = Gen.OneOf("[]", "42", "\"text\"", "null", "true", "[{}]");

    public Gen<string> Model => Gen.Frequency<string>((3, Gen.OneOf(catalogue.Models.ToArray())), (1, HostileText));

    public Gen<string> Version => Gen.Frequency<string>((3, Gen.OneOf(catalogue.Versions.ToArray())), (1, HostileText));

    public Gen<string> Environment => Gen.Frequency<string>((3, Gen.OneOf(catalogue.Environments.ToArray())), (1, HostileText));

    /// <summary>A path or query value for a parameter, by its name first (so names of real things come up), then its schema.</summary>
    public Gen<string> Parameter(string name, JsonElement schema) => name switch
    {
        "name" or "model" => Model,
        "version" => Version,
        "environment" => Environment,
        "from" or "to" => Gen.Frequency<string>((3, DateText), (2, Version), (1, HostileText)),
        "state" => Gen.Frequency<string>((2, Gen.OneOf("firing", "acknowledged", "resolved")), (1, HostileText), (1, IntegerText)),
        "status" => Gen.Frequency<string>((2, Gen.OneOf("progressing", "paused", "succeeded", "rolledBack", "rolled-back")), (1, HostileText)),
        "windowSeconds" or "stepSeconds" or "id" or "page" or "pageSize" => IntegerText,
        _ => OpenApiOperations.KindOf(schema) switch
        {
            "integer" or "number" => IntegerText,
            "date-time" => DateText,
            _ => Gen.Frequency<string>((1, Gen.OneOf("a", "ci", "test-user", "code")), (2, HostileText)),
        },
    };

    /// <summary>A whole body: mostly an object from the schema, sometimes broken JSON or the wrong top-level type.</summary>
    public Gen<string> Body(OpenApiOperations document, JsonElement schema) =>
        Gen.Frequency<string>((12, Json(document, schema, "body", depth: 0)), (2, BrokenJson), (1, TopLevelWrongType));

    private Gen<string> Json(OpenApiOperations document, JsonElement schema, string name, int depth)
    {
        var valid = OpenApiOperations.KindOf(schema) switch
        {
            "integer" => IntegerText.Where(t => t.Length > 0 && long.TryParse(t, CultureInfo.InvariantCulture, out _)),
            "number" => NumberJson,
            "boolean" => Gen.OneOf("true", "false"),
            "array" when depth < 3 => Json(document, document.Resolve(schema.GetProperty("items")), Singular(name), depth + 1)
                .Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"),
            "object" when depth < 3 => Object(document, schema, depth),
            "date-time" => DateText.Select(Quote),
            "array" or "object" => Gen.Const("null"),
            _ => Named(name).Select(Quote),
        };
        return depth == 0 ? valid : Gen.Frequency<string>((7, valid), (2, HostileText.Select(Quote)), (1, WrongType));
    }

    private Gen<string> Object(OpenApiOperations document, JsonElement schema, int depth)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToList() : [];
        var members = properties.Select(property =>
            Gen.Frequency<string>((4, Json(document, document.Resolve(property.Value), property.Name, depth + 1).Select(v => $"\"{property.Name}\":{v}")), (1, Gen.Const(""))));
        var extra = Gen.Frequency<string>((9, Gen.Const("")), (1, HostileText.Select(t => $"{Quote(t)}:{Quote(t)}")));
        return Sequence(members.Append(extra)).Select(list => "{" + string.Join(",", list.Where(m => m.Length > 0)) + "}");
    }

    /// <summary>One value from each generator, in order.</summary>
    public static Gen<List<T>> Sequence<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(new List<T>()), (all, next) => Gen.Select(all, next, (list, value) => (List<T>)[.. list, value]));

    /// <summary>A string body field, by name: real models, versions and environments; known words for enums; hostile text.</summary>
    private Gen<string> Named(string name)
    {
        var valid = name switch
        {
            "name" or "model" => Gen.OneOf<string>(Model, Gen.Int[0, 999_999].Select(i => "fuzz-" + Invariant(i))),
            "version" => Gen.OneOf<string>(Version, Gen.Select(Gen.Int[0, 3], Gen.Int[0, 9_999], (major, patch) => $"{major}.0.{patch}")),
            "environment" => Environment,
            "strategy" => Gen.OneOf("direct", "blueGreen", "canary", "blue-green", "1"),
            "metric" => Gen.OneOf("errorRate", "successRate", "avgLatencyMs", "p95LatencyMs", "p99LatencyMs", "tokensPerRequest"),
            "comparator" => Gen.OneOf("greaterThan", "lessThan"),
            "severity" => Gen.OneOf("warning", "critical", "info"),
            "status" => Gen.OneOf("active", "deprecated", "archived"),
            "endpoint" => Gen.OneOf("https://models.example.com/x/", "http://127.0.0.1:1/", "ftp://x/", "https://"),
            "tags" or "tag" => Gen.OneOf("nlp", "beta", "Not A Tag"),
            _ => Gen.OneOf("fuzz", "because the canary looked wrong", "Fuzz Display"),
        };
        return Gen.Frequency<string>((3, valid), (2, HostileText));
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Invariant<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
