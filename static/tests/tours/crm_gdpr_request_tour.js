/** @odoo-module **/

import { pickMany2one, printAndWaitForDownload, registerGdprTour } from "./crm_gdpr_tour_utils";

/**
 * The data protection officer registers an access request (Art. 15),
 * attaches the personal data report, closes the request and prints the
 * response letter.
 */
registerGdprTour("crm_gdpr_request", () => [
    {
        content: "register a request",
        trigger: ".o_view_controller.o_list_view .o_list_button_add",
        run: "click",
    },
    ...pickMany2one("partner_id", "Anna Kowalska", ".o_form_view"),
    {
        content: "the requester comes from the contact",
        trigger: ".o_form_view .o_field_widget[name=requester_email] input:value(anna.kowalska@example.com)",
    },
    {
        content: "an access request",
        trigger: ".o_form_view .o_field_widget[name=request_type] select",
        run: `select "access"`,
    },
    {
        content: "what the person asks for",
        trigger: ".o_form_view .o_field_widget[name=description] textarea",
        run: "edit Please send me a copy of my data",
    },
    {
        content: "save the request",
        trigger: ".o_form_view .o_form_button_save",
        run: "click",
    },
    {
        content: "the request is saved with its reference and due date",
        trigger: ".o_form_view .o_form_saved .o_field_widget[name=name]:contains(REQ)",
    },
    {
        content: "start working on it",
        trigger: ".o_form_view .o_statusbar_buttons button[name=action_start]",
        run: "click",
    },
    {
        content: "the request is in progress",
        trigger: ".o_form_view .o_statusbar_status button[data-value=in_progress].o_arrow_button_current",
    },
    {
        content: "open the answer page",
        trigger: ".o_form_view .o_notebook a.nav-link[name=answer]",
        run: "click",
    },
    {
        content: "attach the personal data report",
        trigger: ".o_form_view button[name=action_attach_access_report]",
        run: "click",
    },
    {
        content: "the report is attached in the chatter",
        trigger: ".o-mail-Chatter .o-mail-AttachmentList",
    },
    {
        content: "say what was done",
        trigger: ".o_form_view .o_field_widget[name=response] textarea",
        run: "edit The personal data report is enclosed",
    },
    {
        content: "close the request",
        trigger: ".o_form_view .o_statusbar_buttons button[name=action_done]",
        run: "click",
    },
    {
        content: "the request is done",
        trigger: ".o_form_view .o_form_saved .ribbon:has(span.text-bg-success)",
    },
    ...printAndWaitForDownload(
        ".o_form_view .o_statusbar_buttons button[name=action_print_response]",
        "crm_gdpr.report_gdpr_request_response"
    ),
]);
