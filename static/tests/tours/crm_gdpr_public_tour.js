/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * The public pages of crm_gdpr, as an anonymous visitor reaching them from
 * an e-mail link. Steps select by CSS class, never by an English label, so
 * that they run in the person's language; the ``_pl`` variants first check
 * that the page is in Polish.
 */

function assertPolishPage(englishLabel, selector) {
    return {
        content: "the page is in Polish",
        trigger: selector,
        run() {
            const label = document.querySelector(selector).textContent.trim();
            if (document.documentElement.lang !== "pl-PL" || label === englishLabel) {
                throw new Error(
                    `The page is not in Polish (lang ${document.documentElement.lang}, ` +
                        `"${englishLabel}" reads "${label}").`
                );
            }
        },
    };
}

function preferenceSteps() {
    return [
        {
            content: "withdraw the consent in one click",
            trigger: ".o_gdpr_consent .o_gdpr_withdraw",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the withdrawal is confirmed and the consent is gone",
            trigger: ".o_gdpr_message",
        },
        {
            content: "no active consent is left",
            trigger: ".o_gdpr_no_consent",
        },
        {
            content: "give the consent offered",
            trigger: ".o_gdpr_text .o_gdpr_give",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the new consent is listed, with its withdrawal button",
            trigger: ".o_gdpr_consent .o_gdpr_withdraw",
        },
    ];
}

function confirmationSteps() {
    return [
        {
            content: "the wording of the texts is shown",
            trigger: ".o_gdpr_text .card-title",
        },
        {
            content: "confirm",
            trigger: ".o_gdpr_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the consent is recorded",
            trigger: ".o_gdpr_confirmed",
        },
    ];
}

const tours = registry.category("web_tour.tours");
tours.add("crm_gdpr_preferences", { steps: preferenceSteps });
tours.add("crm_gdpr_preferences_pl", {
    steps: () => [
        assertPolishPage("Withdraw this consent", ".o_gdpr_withdraw"),
        ...preferenceSteps(),
    ],
});
tours.add("crm_gdpr_consent_confirmation", { steps: confirmationSteps });
tours.add("crm_gdpr_consent_confirmation_pl", {
    steps: () => [
        assertPolishPage("I confirm my consent", ".o_gdpr_confirm"),
        ...confirmationSteps(),
    ],
});
