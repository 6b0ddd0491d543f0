using System.Text.Json;

namespace ModelRegistry.Dashboard.Tests.Api.Generated;

/// <summary>One operation of the app's OpenAPI document: what a generated request may fill in.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, JsonElement? Body)
{
    public bool Mutates => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>A path or query parameter with its schema.</summary>
public sealed record ApiParameter(string Name, bool InPath, JsonElement Schema);

/// <summary>Reads operations, parameters and request-body schemas (with <c>$ref</c>s resolved) from an OpenAPI 3.1 document.</summary>
public sealed class OpenApiOperations(JsonElement document)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public IReadOnlyList<ApiOperation> All()
    {
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in Methods)
            {
                if (!path.Value.TryGetProperty(method, out var operation))
                {
                    continue;
                }

                var parameters = operation.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new ApiParameter(
                        p.GetProperty("name").GetString()!,
                        p.GetProperty("in").GetString() == "path",
                        p.TryGetProperty("schema", out var schema) ? Resolve(schema) : default)).ToList()
                    : [];
                JsonElement? body = operation.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                    ? Resolve(json.GetProperty("schema"))
                    : null;
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path.Name, parameters, body));
            }
        }

        return operations;
    }

    /// <summary>The schema a <c>$ref</c> names, and the non-null member of a <c>oneOf [null, X]</c>.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return schema;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            return Resolve(document.GetProperty("components").GetProperty("schemas").GetProperty(name));
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            foreach (var member in oneOf.EnumerateArray())
            {
                if (!(member.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null"))
                {
                    return Resolve(member);
                }
            }
        }

        return schema;
    }

    /// <summary>The schema's kind: integer, number, boolean, array, object, date-time or string.</summary>
    public static string KindOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "string";
        }

        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format is "int32" or "int64")
        {
            return "integer";
        }

        if (format is "double" or "float" or "decimal")
        {
            return "number";
        }

        if (format == "date-time")
        {
            return "date-time";
        }

        var types = !schema.TryGetProperty("type", out var t) ? []
            : t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()).ToArray()
            : [t.GetString()];
        foreach (var kind in new[] { "boolean", "array", "object", "integer", "number" })
        {
            if (types.Contains(kind))
            {
                return kind;
            }
        }

        return schema.TryGetProperty("properties", out _) ? "object" : "string";
    }
}
