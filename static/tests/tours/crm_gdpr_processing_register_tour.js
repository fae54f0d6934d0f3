/** @odoo-module **/

import {
    pickMany2one,
    printAndWaitForDownload,
    registerGdprTour,
} from "./crm_gdpr_tour_utils";

/**
 * The data protection officer builds a register of processing activities
 * from the company's data with one activity that transfers data to a third
 * country, then prints the register.
 */
registerGdprTour("crm_gdpr_processing_register", () => [
    {
        content: "create a register",
        trigger: ".o_view_controller.o_list_view .o_list_button_add",
        run: "click",
    },
    {
        content: "name the register",
        trigger: ".o_form_view .o_field_widget[name=title] input",
        run: "edit Customer relationship data",
    },
    {
        content: "take the controller from the company's data",
        trigger: ".o_form_view .o_field_widget[name=use_company_data] input",
        run: "click",
    },
    {
        content: "the company is the controller",
        trigger: ".o_form_view .o_field_widget[name=controller_id].o_readonly_modifier",
    },
    ...pickMany2one("dpo_id", "Jan Inspektor", ".o_form_view"),
    {
        content: "save the register",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "the register is saved and can be printed",
        trigger: ".o_form_view .o_form_saved .o_statusbar_buttons button[name=action_print_register]",
    },
    {
        content: "add a processing activity",
        trigger: ".o_field_widget[name=activity_ids] .o_field_x2many_list_row_add a",
        run: "click",
    },
    {
        content: "name the activity",
        trigger: ".modal .o_field_widget[name=name] input",
        run: "edit Newsletter sending",
    },
    {
        content: "its legal basis is consent",
        trigger: ".modal .o_field_widget[name=legal_basis] select",
        run: 'select "a"',
    },
    {
        content: "its purpose",
        trigger: ".modal .o_field_widget[name=purpose] textarea",
        run: "edit Sending the monthly newsletter to subscribers",
    },
    {
        content: "open the third-country transfers",
        trigger: ".modal .o_notebook a.nav-link[name=transfers]",
        run: "click",
    },
    {
        content: "add a transfer",
        trigger: ".modal .o_field_widget[name=transfer_ids] .o_field_x2many_list_row_add a",
        run: "click",
    },
    // "Chile" in English and in Polish.
    ...pickMany2one("country_id", "Chile", ".modal .o_field_widget[name=transfer_ids]"),
    // "Standard data protection clauses adopted by the Commission", Art. 46(2)(c)
    ...pickMany2one("basis_id", "tandard", ".modal .o_field_widget[name=transfer_ids]"),
    {
        content: "details of the transfer",
        trigger: ".modal .o_field_widget[name=transfer_ids] .o_data_row .o_field_widget[name=details] :is(input, textarea)",
        run: "edit Mailing service provider in Santiago",
    },
    {
        content: "save the activity",
        trigger: ".modal .o_form_button_save",
        run: "click",
    },
    {
        content: "the activity is listed",
        trigger: "body:not(:has(.modal)) .o_field_widget[name=activity_ids] .o_data_row .o_data_cell[name=name]:contains(Newsletter sending)",
    },
    {
        content: "save the register",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "the register is saved with its activity and its third country",
        trigger: ".o_form_view .o_form_saved .o_field_widget[name=activity_ids] .o_data_row .o_data_cell[name=transfer_country_ids]:contains(Chile)",
    },
    ...printAndWaitForDownload(
        ".o_form_view .o_statusbar_buttons button[name=action_print_register]",
        "crm_gdpr.report_gdpr_processing_register"
    ),
]);
