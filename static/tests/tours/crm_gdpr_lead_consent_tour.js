/** @odoo-module **/

import { pickMany2one, registerGdprTour } from "./crm_gdpr_tour_utils";

/**
 * A salesperson opens a lead, registers a marketing consent bound to the
 * contact's email in the lead's Consents tab, then withdraws it with the
 * reason "Unsubscribe link" from the consent form.
 */
registerGdprTour("crm_gdpr_lead_consent", () => [
    {
        content: "open the Consents tab of the lead",
        trigger: ".o_form_view .o_notebook a.nav-link[name=gdpr_consents]",
        run: "click",
    },
    {
        content: "add a consent",
        trigger: ".o_field_widget[name=gdpr_consent_ids] .o_field_x2many_list_row_add a",
        run: "click",
    },
    ...pickMany2one("category_id", "Marketing", ".modal"),
    // "Marketing communication" / "Komunikacja marketingowa"
    ...pickMany2one("text_id", "arketing", ".modal"),
    {
        content: "the consent is bound to the contact's email",
        trigger: ".modal .o_field_widget[name=contact_value] input:value(anna.kowalska@example.com)",
    },
    {
        content: "save the consent",
        trigger: ".modal .o_form_button_save",
        run: "click",
    },
    {
        content: "the consent is in the tab",
        trigger: ".o_field_widget[name=gdpr_consent_ids] .o_data_row .o_data_cell[name=contact_value]:contains(anna.kowalska@example.com)",
    },
    {
        content: "save the lead",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "the lead counts one active consent",
        trigger: ".o_form_view .oe_stat_button[name=action_view_gdpr_consents] .o_stat_value:contains(1)",
        run: "click",
    },
    {
        content: "open the consent from the list of the lead's consents",
        trigger: ".o_view_controller.o_list_view .o_data_row .o_data_cell[name=name]",
        run: "click",
    },
    {
        content: "the consent form is open",
        trigger: ".o_view_controller.o_form_view .o_field_widget[name=state]",
    },
    {
        content: "the consent form shows the contact's email",
        trigger: ".o_form_view .o_field_widget[name=contact_value] input:value(anna.kowalska@example.com)",
    },
    {
        content: "withdraw the consent",
        trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_withdraw_wizard]",
        run: "click",
    },
    {
        content: "the consent to withdraw is ticked",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row .o_data_cell[name=to_withdraw] input:checked",
    },
    // "Unsubscribe link" / "Link rezygnacji z subskrypcji"
    ...pickMany2one("reason_id", "ink", ".modal"),
    {
        content: "confirm the withdrawal",
        trigger: ".modal-footer button[name=action_withdraw]",
        run: "click",
    },
    {
        content: "the consent is withdrawn",
        trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=withdrawn]",
    },
    {
        content: "the withdrawal shows the reason",
        trigger: ".o_form_view .o_field_widget[name=withdrawal_reason_id] input:value(ink)",
    },
]);
