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
        else if (page > 1 && (page - 1L) * pageSize > int.MaxValue)
        {
            // The offset (page - 1) × pageSize must fit the int the query skips by, or it wraps round to a wrong page.
            errors.Add("page", $"'page' must be at most {(int.MaxValue / pageSize) + 1:N0} with a pageSize of {pageSize}.");
        }

        errors.ThrowIfAny();
        return (page, pageSize);
    }
}
