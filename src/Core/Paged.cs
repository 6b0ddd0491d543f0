namespace ModelRegistry.Dashboard.Core;

/// <summary>One page of a longer list (<c>{items, page, pageSize, total}</c> in the API).</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class Paging
{
    public static (int Page, int PageSize) Validate(int page, int pageSize, int maxPageSize)
    {
        var errors = new ValidationErrors();
        if (page < 1)
        {
            errors.Add("page", "'page' must be 1 or more.");
        }

        if (pageSize < 1 || pageSize > maxPageSize)
        {
            errors.Add("pageSize", $"'pageSize' must be between 1 and {maxPageSize}.");
        }

        errors.ThrowIfAny();
        return (page, pageSize);
    }
}
