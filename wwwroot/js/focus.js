// Moves keyboard focus into a region that just appeared (a wizard step): its checked radio if it has one, otherwise
// its first enabled field, otherwise its first button.
export function focusFirstField(region) {
    if (!region) {
        return false;
    }
    const target = region.querySelector('input[type=radio]:checked:not([disabled])')
        ?? region.querySelector('input:not([type=hidden]):not([disabled]):not([tabindex="-1"]), textarea:not([disabled]), select:not([disabled])')
        ?? region.querySelector('input[type=radio]:not([disabled]), button:not([disabled])');
    if (!target) {
        return false;
    }
    target.focus();
    return document.activeElement === target;
}
