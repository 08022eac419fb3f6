namespace Truceline.Incidents;

public static partial class OpenRosa
{
    /// <summary>
    /// The incident form (ODK XForms 1.0). Its choice values are the ones <see cref="ToRequest"/> reads: source
    /// types as the API names them, event types as in <see cref="EventTypes"/>. Change a field here and in
    /// ToRequest together, and raise <see cref="FormVersion"/> so the apps download it again.
    /// </summary>
    public const string FormXml = $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms" xmlns:orx="http://openrosa.org/xforms">
          <h:head>
            <h:title>{{FormTitle}}</h:title>
            <model odk:xforms-version="1.0.0">
              <instance>
                <data id="{{FormId}}" version="{{FormVersion}}">
                  <source_type/>
                  <source_identity/>
                  <source/>
                  <occurred/>
                  <occurred_time/>
                  <location/>
                  <geo_precision>1</geo_precision>
                  <place_name/>
                  <event_type/>
                  <sub_event_type/>
                  <description/>
                  <alleged_parties/>
                  <agreement/>
                  <fatalities/>
                  <photo/>
                  <meta>
                    <instanceID/>
                  </meta>
                </data>
              </instance>
              <bind nodeset="/data/source_type" type="string" required="true()"/>
              <bind nodeset="/data/source_identity" type="string" constraint="string-length(.) &lt;= 500" jr:constraintMsg="At most 500 characters"/>
              <bind nodeset="/data/source" type="string" constraint="string-length(.) &lt;= 500" jr:constraintMsg="At most 500 characters"/>
              <bind nodeset="/data/occurred" type="date" required="true()" constraint=". &lt;= today()" jr:constraintMsg="The date cannot be in the future"/>
              <bind nodeset="/data/occurred_time" type="time"/>
              <bind nodeset="/data/location" type="geopoint" required="true()"/>
              <bind nodeset="/data/geo_precision" type="string" required="true()"/>
              <bind nodeset="/data/place_name" type="string" constraint="string-length(.) &lt;= 200" jr:constraintMsg="At most 200 characters"/>
              <bind nodeset="/data/event_type" type="string" required="true()"/>
              <bind nodeset="/data/sub_event_type" type="string" constraint="string-length(.) &lt;= 100" jr:constraintMsg="At most 100 characters"/>
              <bind nodeset="/data/description" type="string" constraint="string-length(.) &lt;= 10000" jr:constraintMsg="At most 10000 characters"/>
              <bind nodeset="/data/alleged_parties" type="string"/>
              <bind nodeset="/data/agreement" type="string" constraint="string-length(.) &lt;= 100" jr:constraintMsg="At most 100 characters"/>
              <bind nodeset="/data/fatalities" type="int" constraint=". &gt;= 0 and . &lt;= 100000" jr:constraintMsg="Between 0 and 100000"/>
              <bind nodeset="/data/photo" type="binary"/>
              <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
            </model>
          </h:head>
          <h:body>
            <select1 ref="/data/source_type">
              <label>Who or what is the source?</label>
              <item><label>Monitor patrol</label><value>monitorPatrol</value></item>
              <item><label>Party liaison</label><value>partyLiaison</value></item>
              <item><label>Civilian</label><value>civilian</value></item>
              <item><label>Media</label><value>media</value></item>
              <item><label>Sensor</label><value>sensor</value></item>
            </select1>
            <input ref="/data/source_identity">
              <label>Source's name or phone (optional)</label>
              <hint>Encrypted on the server and shown only to coordinators and verifiers. Leave empty if the source wants to stay anonymous.</hint>
            </input>
            <input ref="/data/source">
              <label>Where the report comes from (optional)</label>
              <hint>A publication, a patrol sheet, a phone call: where, not who.</hint>
            </input>
            <input ref="/data/occurred">
              <label>Date of the incident</label>
            </input>
            <input ref="/data/occurred_time">
              <label>Time of the incident (optional)</label>
            </input>
            <input ref="/data/location">
              <label>Location</label>
              <hint>Capture it where the incident happened, or as near as you can.</hint>
            </input>
            <select1 ref="/data/geo_precision">
              <label>How precise is the location?</label>
              <item><label>Exact location</label><value>1</value></item>
              <item><label>Near a named place</label><value>2</value></item>
              <item><label>Only the governorate</label><value>3</value></item>
            </select1>
            <input ref="/data/place_name">
              <label>Place name</label>
            </input>
            <select1 ref="/data/event_type">
              <label>Type of event</label>
              <item><label>Battles</label><value>battles</value></item>
              <item><label>Explosions/Remote violence</label><value>explosions</value></item>
              <item><label>Violence against civilians</label><value>violence_against_civilians</value></item>
              <item><label>Strategic developments</label><value>strategic_developments</value></item>
              <item><label>Protests</label><value>protests</value></item>
              <item><label>Riots</label><value>riots</value></item>
            </select1>
            <input ref="/data/sub_event_type">
              <label>Sub-event type (optional)</label>
              <hint>For example: Shelling/artillery/missile attack, Air/drone strike, Armed clash.</hint>
            </input>
            <input ref="/data/description" appearance="multiline">
              <label>What happened</label>
            </input>
            <input ref="/data/alleged_parties">
              <label>Parties alleged responsible (optional)</label>
              <hint>Party codes or names, separated by commas.</hint>
            </input>
            <input ref="/data/agreement">
              <label>Agreement (optional)</label>
              <hint>The code of the agreement the incident concerns, if the centre monitors several at once. Leave empty for the one in force on that day.</hint>
            </input>
            <input ref="/data/fatalities">
              <label>Fatalities (optional)</label>
            </input>
            <upload ref="/data/photo" mediatype="image/*">
              <label>Photo (optional)</label>
            </upload>
          </h:body>
        </h:html>
        """;
}
