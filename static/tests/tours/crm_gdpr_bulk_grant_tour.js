/** @odoo-module **/

import { pickTag, registerGdprTour } from "./crm_gdpr_tour_utils";

/**
 * From the Consents tab of a contact, a salesperson grants the marketing and
 * newsletter consents in one go with the bulk grant wizard.
 */
registerGdprTour("crm_gdpr_bulk_grant", () => [
    {
        content: "open the Consents tab of the contact",
        trigger: ".o_form_view .o_notebook a.nav-link[name=gdpr_consents]",
        run: "click",
    },
    {
        content: "open the bulk grant wizard",
        trigger: ".o_form_view button[name=action_open_gdpr_consent_bulk_grant]",
        run: "click",
    },
    {
        content: "the contact is the consent giver",
        trigger: ".modal .o_field_widget[name=partner_ids] .o_tag:contains(Anna Kowalska)",
    },
    ...pickTag("category_ids", "Marketing", ".modal"),
    {
        content: "a line is proposed for the marketing text",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row",
    },
    ...pickTag("category_ids", "Newsletter", ".modal"),
    {
        content: "a line is proposed for the newsletter text too",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(2)",
    },
    {
        content: "the first text opens ticked (a valid text)",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(1) .o_data_cell[name=to_create] input:checked",
    },
    {
        content: "the second text opens ticked (a valid text)",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(2) .o_data_cell[name=to_create] input:checked",
    },
    {
        content: "the consents are bound to the contact's email",
        trigger: ".modal .o_field_widget[name=line_ids] .o_data_row:nth-child(1) .o_data_cell[name=contact_value]:contains(anna.kowalska@example.com)",
    },
    {
        content: "generate the consents",
        trigger: ".modal-footer button[name=action_generate]",
        run: "click",
    },
    {
        content: "the two granted consents are listed",
        trigger: "body:not(:has(.modal)) .o_view_controller.o_list_view .o_data_row:nth-child(2) .o_data_cell[name=contact_value]:contains(anna.kowalska@example.com)",
    },
]);
