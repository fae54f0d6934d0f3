/** @odoo-module **/

import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { user } from "@web/core/user";

/**
 * Steps shared by the crm_gdpr tours. The tours select fields by their
 * technical names and buttons by their method names, never by an English
 * label, so that the same steps run with the interface in any language.
 */

/**
 * A step that fails unless the web client runs in Polish: the user's language
 * is pl_PL and the interface's own terms are translated.
 */
export function assertPolishInterface() {
    return {
        content: "the interface is in Polish",
        trigger: ".o_action_manager .o_view_controller",
        run() {
            const label = String(_t("Add a line"));
            if (user.lang !== "pl-PL" || label === "Add a line") {
                throw new Error(
                    `The interface is not in Polish (language ${user.lang}, ` +
                        `"Add a line" reads "${label}").`
                );
            }
        },
    };
}

/**
 * Register a tour under ``name`` and, with a first step checking that the
 * interface is in Polish, under ``name + "_pl"``.
 */
export function registerGdprTour(name, steps) {
    const tours = registry.category("web_tour.tours");
    tours.add(name, { steps });
    tours.add(`${name}_pl`, { steps: () => [assertPolishInterface(), ...steps()] });
}

/**
 * Type ``search`` into a many2one field and pick the first suggestion that
 * contains it (case-insensitive). ``scope`` narrows the field, e.g. ".modal".
 */
export function pickMany2one(fieldName, search, scope = "") {
    const field = `${scope} .o_field_widget[name=${fieldName}]`.trim();
    return [
        {
            content: `search "${search}" in ${fieldName}`,
            trigger: `${field} input`,
            run: `edit ${search}`,
        },
        {
            content: `choose the first suggestion for ${fieldName}`,
            trigger: `${field} .o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) > a:contains(${search})`,
            run: "click",
        },
        {
            content: `${fieldName} is set`,
            trigger: `${field} input:value(${search})`,
        },
    ];
}

/**
 * Type ``search`` into a many2many tags field and add the first suggestion
 * that contains it as a tag.
 */
export function pickTag(fieldName, search, scope = "") {
    const field = `${scope} .o_field_widget[name=${fieldName}]`.trim();
    return [
        {
            content: `search "${search}" in ${fieldName}`,
            trigger: `${field} input`,
            run: `edit ${search}`,
        },
        {
            content: `choose the first suggestion for ${fieldName}`,
            trigger: `${field} .o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) > a:contains(${search})`,
            run: "click",
        },
        {
            content: `${fieldName} has the tag`,
            trigger: `${field} .o_tag:contains(${search})`,
        },
    ];
}

/**
 * Open the gear menu of a form and print its only report, waiting for the
 * download as ``printAndWaitForDownload`` does.
 */
export function printFromGearMenu(reportName) {
    return [
        {
            content: "open the gear menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(i.fa-cog)",
            run: "click",
        },
        ...printAndWaitForDownload(
            ".o-dropdown--menu .o_menu_item:has(i.fa-print)",
            reportName
        ),
    ];
}

/**
 * Click ``buttonTrigger`` (a print button) and wait until the report it asks
 * for has been downloaded from the server: the next step waits for
 * ``body[data-crm-gdpr-downloaded]`` holding the report name.
 */
export function printAndWaitForDownload(buttonTrigger, reportName) {
    return [
        {
            content: "print the report",
            trigger: buttonTrigger,
            run(helpers) {
                delete document.body.dataset.crmGdprDownloaded;
                const original = download._download;
                download._download = async (options) => {
                    download._download = original;
                    // The real request: the server renders the report.
                    const result = await original(options);
                    const [url] = JSON.parse(options.data.data);
                    document.body.dataset.crmGdprDownloaded = url;
                    return result;
                };
                return helpers.click();
            },
        },
        {
            content: "the report was rendered and downloaded",
            trigger: `body[data-crm-gdpr-downloaded*='${reportName}']`,
        },
    ];
}
