/** @odoo-module **/

import { formatDate } from "@web/core/l10n/dates";
import { user } from "@web/core/user";

import {
    pickMany2one,
    printAndWaitForDownload,
    registerGdprTour,
} from "./crm_gdpr_tour_utils";

const { DateTime } = luxon;

const CLAUSES = [
    "clause_a_instructions",
    "clause_b_confidentiality",
    "clause_c_security",
    "clause_d_subprocessors",
    "clause_e_data_subject_rights",
    "clause_f_controller_obligations",
    "clause_g_deletion_return",
    "clause_h_audits",
];

/**
 * Choose the United States in the country field of the last line of
 * ``listField``, by its name in the user's language.
 */
function pickUnitedStates(listField) {
    const name = user.lang === "pl-PL" ? "Stany Zjednoczone" : "United States";
    return pickMany2one(
        "country_id",
        name,
        `.o_field_widget[name=${listField}] .o_data_row:last`
    );
}

/**
 * The data protection officer records the agreement with a processor that
 * uses a sub-processor in the United States under the standard contractual
 * clauses, puts it in force and prints it.
 */
registerGdprTour("crm_gdpr_processor_agreement", () => [
    {
        content: "register an agreement",
        trigger: ".o_view_controller.o_list_view .o_list_button_add",
        run: "click",
    },
    ...pickMany2one("processor_id", "Tour Hosting", ".o_form_view"),
    {
        content: "the date of signature",
        trigger: ".o_form_view .o_field_widget[name=date_signed] input",
        run(helpers) {
            return helpers.edit(formatDate(DateTime.now()));
        },
    },
    {
        content: "the subject-matter",
        trigger: ".o_form_view .o_field_widget[name=subject] textarea",
        run: "edit Hosting of the CRM and its backups",
    },
    {
        content: "every Art. 28(3) clause is still missing",
        trigger: ".o_form_view .alert-warning .o_field_widget[name=missing_clauses]:contains((h))",
    },
    {
        content: "open the clauses",
        trigger: ".o_form_view .o_notebook a.nav-link[name=clauses]",
        run: "click",
    },
    ...CLAUSES.map((clause) => ({
        content: `the agreement stipulates ${clause}`,
        trigger: `.o_form_view .o_field_widget[name=${clause}] input`,
        run: "click",
    })),
    {
        content: "no clause is missing any more",
        trigger: ".o_form_view:not(:has(.alert-warning .o_field_widget[name=missing_clauses]))",
    },
    {
        content: "open the sub-processors",
        trigger: ".o_form_view .o_notebook a.nav-link[name=subprocessing]",
        run: "click",
    },
    {
        content: "the controller authorized sub-processors generally",
        trigger: ".o_form_view .o_field_widget[name=subprocessing_authorisation] select",
        run: 'select "general"',
    },
    {
        content: "add a sub-processor",
        trigger: ".o_field_widget[name=subprocessor_ids] .o_field_x2many_list_row_add a",
        run: "click",
    },
    ...pickMany2one("partner_id", "Tour Backups", ".o_field_widget[name=subprocessor_ids]"),
    ...pickUnitedStates("subprocessor_ids"),
    {
        content: "a third country without a transfer basis is shown",
        trigger: ".o_form_view .alert-danger .o_field_widget[name=missing_transfer_country_ids] .o_tag",
    },
    {
        content: "add the transfer",
        trigger: ".o_field_widget[name=transfer_ids] .o_field_x2many_list_row_add a",
        run: "click",
    },
    ...pickUnitedStates("transfer_ids"),
    // "Standard data protection clauses adopted by the Commission", Art. 46(2)(c)
    ...pickMany2one("basis_id", "tandard", ".o_field_widget[name=transfer_ids]"),
    {
        content: "details of the transfer",
        trigger: ".o_field_widget[name=transfer_ids] .o_data_row .o_field_widget[name=details] :is(input, textarea)",
        run: "edit SCC module 3 signed with the sub-processor",
    },
    {
        content: "every third country has its basis",
        trigger: ".o_form_view:not(:has(.alert-danger .o_field_widget[name=missing_transfer_country_ids] .o_tag))",
    },
    {
        content: "save the agreement",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "put the agreement in force",
        trigger: ".o_form_view .o_form_saved .o_statusbar_buttons button[name=action_confirm]",
        run: "click",
    },
    {
        content: "the agreement is in force",
        trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=in_force]",
    },
    {
        content: "the agreement in force is read-only evidence",
        trigger: ".o_form_view .o_field_widget[name=processor_id].o_readonly_modifier",
    },
    ...printAndWaitForDownload(
        ".o_form_view .o_statusbar_buttons button[name=action_print]",
        "crm_gdpr.report_gdpr_processor_agreement"
    ),
]);
