using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Pages.Aid;

/// <summary>The same registration as the API, from a plain form with one commodity line.</summary>
public sealed class NewConsignmentModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public IReadOnlyList<(string Code, string Name)> Crossings { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Can(Permission.RegisterConsignments))
        {
            return Forbid();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? reference, string? crossing, string? destinationGovernorate, double? trucks, string? category,
        string? description, double? quantity, string? unit, double? pallets, double? tonnes, CancellationToken ct)
    {
        if (!User.Can(Permission.RegisterConsignments))
        {
            return Forbid();
        }
        var request = new RegisterConsignment.Request(reference, crossing, string.IsNullOrWhiteSpace(destinationGovernorate) ? null : destinationGovernorate, trucks,
            [new RegisterConsignment.Line(category, description, quantity, unit, pallets, tonnes)]);
        var result = await RegisterConsignment.RunAsync(db, request, time, ct);
        if (result.Succeeded)
        {
            TempData["Notice"] = result.Value!.Created ? "Registered." : "This reference was already registered: here it is.";
            return Redirect($"/aid/consignments/{result.Value.Consignment.Id}");
        }
        this.Show(result.Failure!, "consignment");
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Crossings = await AidPageLookups.CrossingsAsync(db, ct);
        Governorates = await AidPageLookups.GovernoratesAsync(db, ct);
    }
}
